"""nbgrader's settings for every account of the course's hub (hub/jupyterhub_config.py puts this folder on
JUPYTER_CONFIG_PATH): the course, and the exchange through which assignments are released and submitted."""
import os

from coursetools.assignments import COURSE_ID

c = get_config()  # noqa: F821 (nbgrader defines it)
c.CourseDirectory.course_id = COURSE_ID
c.Exchange.root = os.environ["BPCOURSE_EXCHANGE"]
