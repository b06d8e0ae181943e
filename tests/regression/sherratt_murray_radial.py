"""An independent reference for sherratt_murray: the same equations for a wound with radial
symmetry (slab, disc or ball: dim = 1, 2, 3), solved in r alone with numpy/scipy (finite volumes,
scipy's BDF with a sparse Jacobian pattern, the healing time located as a solver event). It
shares no code with microheal: the wound is rasterised by exact volume fraction, n = c = 1 is held
at r = L, and the kinetics use the non-negative parts of n and c as the model does.

    /usr/bin/python3 tests/regression/sherratt_murray_radial.py MECHANISM R L N DIM   prints the healing time
"""
import sys

import numpy as np
from scipy.integrate import solve_ivp
from scipy.sparse import bmat, diags, identity

PARAMS = {"activator": dict(D=5e-4, Dc=0.45, lam=30.0, h=10.0, alpha=0.1, cm=40.0),
          "inhibitor": dict(D=1e-4, Dc=0.85, lam=5.0, h=10.0)}


def kinetics(mech):
    p = PARAMS[mech]
    h = p["h"]
    if mech == "activator":
        cm, al = p["cm"], p["alpha"]
        beta = (1 + cm * cm - 2 * h * cm) / (1 - cm) ** 2
        return (lambda c: 2 * cm * (h - beta) * c / (cm * cm + c * c) + beta,
                lambda n: n * (1 + al * al) / (n * n + al * al))
    return (lambda c: ((h - 1) * c + h) / (2 * (h - 1) * c + 1), lambda n: n)


def heal_time(mech, R, L, N, dim, threshold=0.8, t_max=200.0, rtol=1e-7, atol=1e-10):
    """First time n in the innermost cell reaches threshold (NaN if not by t_max)."""
    p = PARAMS[mech]
    s, f = kinetics(mech)
    faces = np.linspace(0.0, L, N + 1)
    dr = L / N
    vol = (faces[1:] ** dim - faces[:-1] ** dim) / dim  # per unit solid angle
    area = faces ** (dim - 1)
    inside = (np.minimum(faces[1:], R) ** dim - np.minimum(faces[:-1], R) ** dim) / dim / vol
    u0 = np.concatenate([1 - inside, 1 - inside])

    def laplacian(D):
        T = D * area[1:N] / dr  # interior faces; r = 0 carries no flux
        TL = D * area[N] / (0.5 * dr)  # Dirichlet face at r = L
        main = np.zeros(N)
        main[:-1] -= T
        main[1:] -= T
        main[-1] -= TL
        A = diags([main / vol, T / vol[:-1], T / vol[1:]], [0, 1, -1], format="csr")
        b = np.zeros(N)
        b[-1] = TL / vol[-1]
        return A, b

    An, bn = laplacian(p["D"])
    Ac, bc = laplacian(p["Dc"])

    def rhs(t, u):
        n, c = u[:N], u[N:]
        npos, cpos = np.maximum(n, 0), np.maximum(c, 0)
        return np.concatenate([An @ n + bn + s(cpos) * npos * (2 - npos) - n,
                               Ac @ c + bc + p["lam"] * (f(npos) - c)])

    I = identity(N)
    pattern = bmat([[An + I, I], [I, Ac + I]]).tocsr()
    pattern.data[:] = 1

    def healed(t, u):
        return u[0] - threshold
    healed.terminal, healed.direction = True, 1
    sol = solve_ivp(rhs, (0.0, t_max), u0, method="BDF", rtol=rtol, atol=atol, jac_sparsity=pattern, events=healed)
    return sol.t_events[0][0] if len(sol.t_events[0]) else float("nan")


if __name__ == "__main__":
    mech, R, L, N, dim = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
    print(f"{mech} dim {dim} R {R} L {L} N {N} (dr {L / N:g}): healing time {heal_time(mech, R, L, N, dim):.4f}")
