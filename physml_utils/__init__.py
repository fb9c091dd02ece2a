"""physml_utils: the tested numerical kernels behind the *physml* book.

One module per subject, each introduced by the chapter that needs it:

- :mod:`physml_utils.enumeration` exact enumeration of small spin systems (the oracle for everything else);
- :mod:`physml_utils.exact` Kaufman's finite-lattice and Onsager's infinite-lattice 2D Ising results;
- :mod:`physml_utils.ising` Metropolis, Wolff and Swendsen–Wang samplers of the 2D Ising model;
- :mod:`physml_utils.stats` autocorrelation times, binning errors, the Binder cumulant;
- :mod:`physml_utils.info` entropy, KL divergence, mutual information, conditional entropy;
- :mod:`physml_utils.inverse_ising` maximum-likelihood fitting of a small fully visible Boltzmann machine;
- :mod:`physml_utils.mean_field` naive mean field and its variational free energy F_q ≥ F; TAP; mean-field and
  pseudo-likelihood inverse Ising;
- :mod:`physml_utils.bp` belief propagation (cavity fields, Bethe free energy) and the open chain's transfer matrix;
- :mod:`physml_utils.disorder` SK and REM by enumeration: quenched and annealed free energies, the SK
  replica-symmetric solution, local minima;
- :mod:`physml_utils.cheap` and :mod:`physml_utils.mlp` Lin–Tegmark–Rolnick constructions and a small NumPy network;
- :mod:`physml_utils.encoding` the one map between spins ±1 and bits {0, 1};
- :mod:`physml_utils.rbm` and :mod:`physml_utils.ais` restricted Boltzmann machines, exact and AIS partition functions;
- :mod:`physml_utils.rg` block spins, exact 1D decimation and the measured 2D RG flow;
- :mod:`physml_utils.variational_rg` Mehta–Schwab's RG ↔ RBM mapping checked by enumeration, stacked RBMs,
  receptive fields and their locality;
- :mod:`physml_utils.phase_classification` generative vs discriminative classifiers of Ising phases, scored exactly;
- :mod:`physml_utils.counterexample` Lin–Tegmark's joint with the right Z and the wrong marginal, by enumeration;
- :mod:`physml_utils.shuffled_lattice` data without a natural scale: shuffled sites, bonds learned from correlations;
- :mod:`physml_utils.information_plane` binned I(X;T), I(T;Y) of a small network's layers during training;
- :mod:`physml_utils.rsmi` Koch-Janusz–Ringel's mutual-information choice of a coarse variable, by exhaustive search;
- :mod:`physml_utils.hopfield` Hopfield networks: Hebbian couplings, zero- and finite-temperature dynamics, every fixed
  point by enumeration, the one-step error and the replica-symmetric capacity;
- :mod:`physml_utils.perceptron` Cover's counting, Gardner's capacity, ridge and perceptron teacher–student learning curves;
- :mod:`physml_utils.parallel` independent seeded runs on every core, with the numbers of a serial loop;
- :mod:`physml_utils.plotting` the shared figure style of every chapter.

Public functions validate their input and raise :class:`ValueError` / :class:`TypeError` naming the
argument; stochastic functions take ``seed`` (an ``int`` or a :class:`numpy.random.Generator`) and never touch
NumPy's global random state.
"""

__version__ = "0.1.0"
