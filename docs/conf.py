"""Sphinx configuration of the course's website (`make site`, see coursetools/site.py, which copies this
file into the site's staged sources). Pages come from the notebooks' stored outputs, never from a run;
every asset is served from the site itself, so it opens from file:// with no network."""
project = "bpcourse"
html_title = "bpcourse: backpropagation, from one weight to matrix backprop"
author = "the bpcourse authors"
extensions = ["myst_nb"]
exclude_patterns = ["_build", "**.ipynb_checkpoints"]

# MyST and MyST-NB: maths as in the notebooks ($…$, $$…$$, \begin{align}), the stored outputs as they are.
myst_enable_extensions = ["dollarmath", "amsmath"]
myst_heading_anchors = 3
nb_execution_mode = "off"
nb_ipywidgets_js = {}            # the explorers show their picture; no widget JavaScript from the internet
nb_merge_streams = True

# MathJax 3 from _static/mathjax (the course's npm package), with MathML beside each formula for screen readers.
mathjax_path = "mathjax/tex-chtml-full.js"
mathjax3_config = {
    "options": {"enableAssistiveMml": True, "menuOptions": {"settings": {"assistiveMml": True}}},
}

html_theme = "sphinx_book_theme"
html_static_path = ["_static"]
# coursetools/templates/site/_templates: the theme's parts a screen reader needs otherwise: the search button named
# by the words it shows, the course's name in the sidebar inside a landmark (site-home.html).
templates_path = ["_templates"]
html_sidebars = {"**": ["site-home.html", "search-button-field.html", "sbt-sidebar-nav.html"]}
html_context = {"default_mode": "auto"}  # light or dark as the reader's system is set
html_css_files = ["site.css"]
html_copy_source = False         # no copies of the notebooks' sources next to the pages
html_show_sourcelink = False
html_last_updated_fmt = None
html_show_search_summary = False  # a summary is fetched from the page, which a browser refuses under file://
html_theme_options = {
    "use_download_button": False,
    "use_fullscreen_button": False,
    "show_toc_level": 2,
    "navigation_with_keys": False,
}
