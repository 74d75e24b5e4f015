#!/usr/bin/python3
"""Quick Burgers / KdV trajectory files in LPSDA's HDF5 layout, for the time-stepping study when
sslpde's own generator (`sslpde generate`) is not at hand. Same equations, initial conditions and
sampling as SCIENCE.md section 1; ETDRK4 pseudo-spectral (Kassam & Trefethen 2005) with 2/3
dealiasing on a fine grid, then subsampled in space. Usage:
    make_quick_data.py burgers|kdv OUT.h5 N_TRAIN N_TEST NX [SEED]
    make_quick_data.py check     (the solver against exact solutions)
"""
import sys

import h5py
import numpy as np


def etdrk4_coefficients(lin, h, m=64):
    # Contour of radius 1 around each h L: the full circle, since L is complex for KdV.
    r = np.exp(2j * np.pi * (np.arange(1, m + 1) - 0.5) / m)
    lr = h[..., None] * lin[..., None] + r
    e, e2 = np.exp(h * lin), np.exp(h * lin / 2)
    q = h * np.mean((np.exp(lr / 2) - 1) / lr, axis=-1)
    f1 = h * np.mean((-4 - lr + np.exp(lr) * (4 - 3 * lr + lr ** 2)) / lr ** 3, axis=-1)
    f2 = h * np.mean((2 + lr + np.exp(lr) * (-2 + lr)) / lr ** 3, axis=-1)
    f3 = h * np.mean((-4 - 3 * lr - lr ** 2 + np.exp(lr) * (4 - lr)) / lr ** 3, axis=-1)
    return e, e2, q, f1, f2, f3


def solve(u0, lengths, lin_of_k, times, substeps, n):
    """u_t = L u - (u^2/2)_x on [0, L) periodic; u0 [B, n]; returns [B, times.shape[1], n]."""
    b = u0.shape[0]
    k = 2 * np.pi / lengths[:, None] * np.arange(n // 2 + 1)[None, :]
    dealias = (np.arange(n // 2 + 1) < n // 3)[None, :]
    g = -0.5j * k * dealias
    nonlinear = lambda v: g * np.fft.rfft(np.fft.irfft(v, n) ** 2)
    out = np.empty((b, times.shape[1], n))
    out[:, 0] = u0
    v = np.fft.rfft(u0)
    # Saved times are uniform per trajectory, so one set of coefficients serves every step.
    h = (times[:, 1] - times[:, 0]) / substeps
    e, e2, q, f1, f2, f3 = etdrk4_coefficients(lin_of_k(k), h[:, None])
    for i in range(1, times.shape[1]):
        for _ in range(substeps):
            nv = nonlinear(v)
            a = e2 * v + q * nv
            na = nonlinear(a)
            bb = e2 * v + q * na
            nb = nonlinear(bb)
            c = e2 * a + q * (2 * nb - nv)
            nc = nonlinear(c)
            v = e * v + nv * f1 + 2 * (na + nb) * f2 + nc * f3
        out[:, i] = np.fft.irfft(v, n)
    return out


def initial_condition(rng, b, n, lengths, wave_numbers):
    x = np.arange(n)[None, :] / n * lengths[:, None]
    u = np.zeros((b, n))
    for _ in range(10):
        a = rng.uniform(-0.5, 0.5, (b, 1))
        phi = rng.uniform(0, 2 * np.pi, (b, 1))
        l = rng.choice(wave_numbers, (b, 1))
        u += a * np.sin(2 * np.pi * l * x / lengths[:, None] + phi)
    return u


def generate(pde, b, nx, rng, fine=256):
    if pde == "burgers":
        lengths = np.full(b, 2 * np.pi)
        final = np.full(b, 5.0)
        nu = np.exp(rng.uniform(np.log(0.01), np.log(0.1), b))
        times = np.linspace(0, 1, 100)[None, :] * final[:, None]
        u0 = initial_condition(rng, b, fine, lengths, [1, 2, 3, 4, 5])
        u = solve(u0, lengths, lambda k: -nu[:, None] * k ** 2, times, 40, fine)
        keep = slice(0, 100)
    else:
        lengths = rng.uniform(115.2, 140.8, b)
        final = rng.uniform(90, 110, b)
        times = np.linspace(0, 1, 250)[None, :] * final[:, None]
        u0 = initial_condition(rng, b, fine, lengths, [1, 2])
        u = solve(u0, lengths, lambda k: 1j * k ** 3, times, 20, fine)
        keep = slice(110, 250)
        nu = None
    step = fine // nx
    u = u[:, keep, ::step]
    t = times[:, keep]
    x = np.arange(nx)[None, :] / nx * lengths[:, None]
    return u, t, x, lengths, final, nu


def check():
    """Burgers against Cole-Hopf (exact to round-off), KdV against the one-soliton solution."""
    n, nu, a = 256, 0.05, 0.5
    x = np.arange(n) / n * 2 * np.pi

    def cole_hopf(t):
        decay = a * np.exp(-nu * t)
        return -2 * nu * (-decay * np.sin(x)) / (1 + decay * np.cos(x))

    times = np.linspace(0, 5, 11)[None, :]
    u = solve(cole_hopf(0)[None], np.array([2 * np.pi]), lambda k: -nu * k ** 2, times, 40, n)
    burgers = max(np.abs(u[0, i] - cole_hopf(times[0, i])).max() for i in range(11))
    length, c = 128.0, 0.5
    x = np.arange(n) / n * length

    def soliton(t):
        return 3 * c / np.cosh(np.sqrt(c) / 2 * ((x - c * t - 40 + length / 2) % length - length / 2)) ** 2

    times = np.linspace(0, 40, 11)[None, :]
    u = solve(soliton(0)[None], np.array([length]), lambda k: 1j * k ** 3, times, 20, n)
    kdv = max(np.abs(u[0, i] - soliton(times[0, i])).max() for i in range(11))
    print(f"max error: Burgers (Cole-Hopf) {burgers:.2e}, KdV (soliton, t <= 40) {kdv:.2e}")
    if burgers > 1e-10 or kdv > 1e-3:
        raise SystemExit("solver check failed")


def main():
    if sys.argv[1] == "check":
        return check()
    pde, path, n_train, n_test, nx = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
    seed = int(sys.argv[6]) if len(sys.argv) > 6 else 0
    rng = np.random.default_rng(seed)
    tmp = path + ".tmp"
    with h5py.File(tmp, "w") as f:
        for split, n in (("train", n_train), ("test", n_test)):
            u, t, x, lengths, final, nu = generate(pde, n, nx, rng)
            if not np.isfinite(u).all():
                raise SystemExit(f"{pde}: non-finite values in split {split}")
            g = f.create_group(split)
            g.create_dataset(f"pde_{u.shape[1]}-{u.shape[2]}", data=u)
            g.create_dataset("t", data=t)
            g.create_dataset("x", data=x)
            g.create_dataset("dt", data=t[:, 1] - t[:, 0])
            g.create_dataset("dx", data=lengths / nx)
            if nu is not None:
                g.create_dataset("nu", data=nu)
    import os
    os.replace(tmp, path)
    print(f"{path}: {pde}, train {n_train}, test {n_test}, nt {u.shape[1]}, nx {nx}")


if __name__ == "__main__":
    main()
