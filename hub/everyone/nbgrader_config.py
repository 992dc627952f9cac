"""nbgrader's settings for every account of the course's hub (hub/jupyterhub_config.py puts this folder on
JUPYTER_CONFIG_PATH): the course, the exchange through which assignments are released and submitted, and the
Validate button running a notebook as the autograder does (its verdict is the autograder's)."""
import os

from coursetools.assignments import COURSE_ID, grade_with_checks

c = get_config()  # noqa: F821 (nbgrader defines it)
c.CourseDirectory.course_id = COURSE_ID
c.Exchange.root = os.environ["BPCOURSE_EXCHANGE"]
grade_with_checks(c)
