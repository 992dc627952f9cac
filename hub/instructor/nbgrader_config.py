"""nbgrader's settings for the instructor's server: the course is ~/course (the hub links it to the course
built by `make assignments`), with that course's own nbgrader_config.py, as for nbgrader run in a terminal there."""
import os

c = get_config()  # noqa: F821 (nbgrader defines it)
c.CourseDirectory.root = os.path.join(os.path.expanduser("~"), "course")
load_subconfig(os.path.join(c.CourseDirectory.root, "nbgrader_config.py"))  # noqa: F821
