"""physml_utils: the tested numerical kernels behind the *physml* book.

One module per subject, each introduced by the chapter that needs it:

- :mod:`physml_utils.enumeration` exact enumeration of small spin systems (the oracle for everything else);
- :mod:`physml_utils.plotting` the shared figure style of every chapter.

Public functions validate their input and raise :class:`ValueError` / :class:`TypeError` naming the
argument; stochastic functions take ``seed`` (an ``int`` or a :class:`numpy.random.Generator`) and never touch
NumPy's global random state.
"""

__version__ = "0.1.0"
