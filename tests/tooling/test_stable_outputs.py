"""Stored outputs in a stable form: streams merged, widget ids fixed, timings masked, timing figures kept."""
import nbformat

from coursetools import stable_outputs


def stream(text, name="stdout"):
    return nbformat.v4.new_output("stream", name=name, text=text)


def test_only_consecutive_outputs_of_one_stream_merge():
    outputs = [stream("a\n"), stream("b\n"), stream("warn\n", "stderr"), stream("c\n"),
               nbformat.v4.new_output("display_data", data={"text/plain": "x"}), stream("d\n")]
    assert [(o.get("name"), o.get("text")) for o in stable_outputs.merge_streams(outputs)] == [
        ("stdout", "a\nb\n"), ("stderr", "warn\n"), ("stdout", "c\n"), (None, None), ("stdout", "d\n")]


def test_timings_are_masked_and_other_numbers_kept():
    text = "N = 100: loops    34.04 ms, vectorised  0.092 ms, ratio    370×\nCPU times: user 2.59 s, sys: 0 ns\n5 samples"
    assert stable_outputs.mask_timings(text) == "N = 100: loops …, vectorised …, ratio …×\nCPU times: user …, sys: …\n5 samples"


def test_masked_timings_do_not_depend_on_the_values():
    fast = "N =  10: loops     3.92 ms, ratio     91×\nWall time: 812 ms"
    slow = "N =  10: loops    12.70 ms, ratio    182×\nWall time: 582 μs"  # IPython writes μ (Greek mu)
    assert stable_outputs.mask_timings(fast) == stable_outputs.mask_timings(slow)


def executed_cell(source, outputs, tags=()):
    cell = nbformat.v4.new_code_cell(source, metadata={"tags": list(tags)} if tags else {})
    cell.outputs = outputs
    return cell


def figure(png):
    return nbformat.v4.new_output("display_data", data={"image/png": png, "text/plain": "<Figure>"})


def test_widget_ids_depend_on_the_cell_and_state_is_dropped():
    view = {"model_id": "5f3c0a", "version_major": 2, "version_minor": 0}
    nb = nbformat.v4.new_notebook(cells=[executed_cell("w", [nbformat.v4.new_output(
        "display_data", data={stable_outputs.WIDGET_MIME: dict(view), "text/plain": "IntSlider(value=3)"})])],
        metadata={"widgets": {"application/vnd.jupyter.widget-state+json": {"state": {}}}})
    stable_outputs.stabilise(nb)
    assert "widgets" not in nb.metadata
    view = nb.cells[0].outputs[0].data[stable_outputs.WIDGET_MIME]
    assert view["model_id"] == stable_outputs.stable_model_id(nb.cells[0].id, 0)


def test_an_unchanged_timing_cell_keeps_its_figure_and_a_changed_one_does_not():
    before = executed_cell("plot(t)", [stream("1.5 ms\n"), figure("OLD")], tags=["timing"])
    again = executed_cell("plot(t)", [stream("1.7 ms\n"), figure("NEW")], tags=["timing"])
    stable_outputs.stabilise_cell(again, before)
    assert again.outputs[0].text == "…\n" and again.outputs[1].data["image/png"] == "OLD"
    edited = executed_cell("plot(2 * t)", [stream("1.7 ms\n"), figure("NEW")], tags=["timing"])
    stable_outputs.stabilise_cell(edited, before)
    assert edited.outputs[1].data["image/png"] == "NEW"


def test_untagged_cells_keep_their_numbers_and_figures():
    before = executed_cell("plot(t)", [figure("OLD")])
    cell = executed_cell("plot(t)", [stream("took 1.5 s\n"), figure("NEW")])
    stable_outputs.stabilise_cell(cell, before)
    assert cell.outputs[0].text == "took 1.5 s\n" and cell.outputs[1].data["image/png"] == "NEW"
