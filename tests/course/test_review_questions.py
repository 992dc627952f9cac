"""Every notebook ends with review questions, each answered in a collapsed <details> block right after it."""
import re

import nbformat
import pytest

from tests.conftest import ROOT

NOTEBOOKS = sorted((ROOT / "solutions").glob("*.ipynb")) + sorted((ROOT / "notebooks").glob("*.ipynb"))
QUESTION = re.compile(r"^\*\*(\d+)\.\*\* (.+)$")
ANSWER = re.compile(r"<details><summary>Answer</summary>\n\n(.+?)\n\n</details>", re.S)


def review_cell(path):
    cells = [c for c in nbformat.read(path, as_version=4).cells
             if c.cell_type == "markdown" and "## Review questions" in c.source]
    assert len(cells) == 1, f"{path.name}: expected one markdown cell with '## Review questions', found {len(cells)}"
    return cells[0].source


def questions_and_answers(source):
    """[(number, question, answer)] from a review cell: each question a paragraph '**N.** …' followed by its
    <details> block; a question without its block right after it is reported as answer None."""
    found = []
    for block in re.split(r"\n\n(?=\*\*\d+\.\*\* )", source)[1:]:
        question, _, rest = block.partition("\n\n")
        match, answer = QUESTION.match(question), ANSWER.match(rest)
        assert match, f"not a question paragraph: {question[:60]!r}"
        found.append((int(match[1]), match[2], answer[1].strip() if answer and answer.end() == len(rest.rstrip()) else None))
    return found


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_review_question_has_a_collapsed_answer(path):
    found = questions_and_answers(review_cell(path))
    assert found, f"{path.name}: no review questions"
    assert [number for number, _, _ in found] == list(range(1, len(found) + 1))
    for number, _, answer in found:
        assert answer, f"{path.name}, question {number}: no <details> answer right after it"
        assert "<details>" not in answer and len(answer) > 40, f"{path.name}, question {number}: answer too short"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_no_question_carries_its_answer(path):
    """A question may name its source in parentheses, '(lecture 004, question 1)', but not answer itself there."""
    for number, question, _ in questions_and_answers(review_cell(path)):
        for note in re.findall(r"\(([^()]*)\)", question):
            assert ":" not in note, f"{path.name}, question {number} answers itself: ({note})"


def test_the_parser_finds_a_missing_answer():
    source = ("## Review questions\n\n**1.** Why?\n\n<details><summary>Answer</summary>\n\nBecause it is so, for good "
              "reasons that take a sentence.\n\n</details>\n\n**2.** And then?")
    assert [answer is None for _, _, answer in questions_and_answers(source)] == [False, True]
