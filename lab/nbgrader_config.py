"""nbgrader's settings for a learner working alone (`make lab` puts this folder on JUPYTER_CONFIG_PATH): the
Validate button runs a notebook as the autograder does, so it says which exercises are not done yet."""
from coursetools.assignments import grade_with_checks

grade_with_checks(get_config())  # noqa: F821 (nbgrader defines it)
