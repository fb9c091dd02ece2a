import numpy as np

from physml_utils._special import softplus


def test_softplus_matches_logaddexp_and_never_overflows():
    x = np.concatenate([np.linspace(-800, 800, 4001), [-1e-300, 0.0, 1e-300, 36.0, -36.0, -750.0, 750.0]])
    np.testing.assert_allclose(softplus(x), np.logaddexp(0.0, x), rtol=4e-16, atol=1e-300)
    assert np.all(np.isfinite(softplus(x)))


def test_softplus_keeps_shape_and_float32_and_leaves_its_input_alone():
    x = np.linspace(-30, 30, 60).reshape(-1, 5)
    before = x.copy()
    np.testing.assert_array_equal(softplus(x), softplus(x.ravel()).reshape(-1, 5))
    np.testing.assert_array_equal(x, before)
    x32 = x.astype(np.float32)
    assert softplus(x32).dtype == np.float32
    np.testing.assert_allclose(softplus(x32), np.logaddexp(np.float32(0), x32), rtol=2e-7)
    np.testing.assert_array_equal(softplus([0, 1]), softplus(np.array([0.0, 1.0])))  # integers become float64


def test_softplus_of_a_scalar_is_a_scalar():
    assert softplus(0.0) == np.log(2.0) and np.ndim(softplus(0.0)) == 0
    assert softplus(np.float32(-800.0)) >= 0.0
