"""Ways to look at an analysed thread: the terminal view, the HTML report (:mod:`threadlens.views.html`)
and displaCy (:mod:`threadlens.views.displacy`, :func:`threadlens.render`)."""
