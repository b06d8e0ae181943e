"""waugh_sherratt regression: the well-mixed states published for the model (models/waugh_sherratt/README.md, Verification), and an independent
reference computed with scipy (solve_ivp, Radau, rtol 1e-10, atol 1e-12; see
models/waugh_sherratt/README.md), from phi_I = phi_R = 200 cells/mm^3, T = 6 ng/mL.

  alpha = 0.8: persistent inflammation, the steady state (905.8, 226.4, 6.968) by day 200;
  alpha = 0.2: resolution, (2.25, 8.99, 0.0173) by day 80 and at day 200.

Tolerances: 0.5 % against the published states (their stated accuracy); 1e-5 relative against scipy (the
run's -ts_rtol/-ts_atol are 1e-8)."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "common"))
import mhtest  # noqa: E402

FIELDS = ("mean_phi_I", "mean_phi_R", "mean_T")
PUBLISHED = {"0.8": (905.8, 226.4, 6.968), "0.2": (2.25, 8.99, 0.0173)}
SCIPY = {
    ("0.8", 200): (905.7730407, 226.4432602, 6.967484928),
    ("0.2", 80): (2.249009960, 8.995250400, 0.01730019354),
    ("0.2", 200): (2.248131265, 8.992525058, 0.01729331742),
}
# alpha = 0.2: the inflammatory density peaks early, while TGF-beta falls from 6 ng/mL
PEAK, PEAK_TIME = 200.9693256, 0.08414445


def run(tmp, alpha, t_end, extra=(), tag=""):
    out = os.path.join(tmp, f"ws_{alpha}_{t_end}{tag}.h5")
    mhtest.run(["-model", "waugh_sherratt", "-waugh_sherratt_alpha", alpha, "-t_end", t_end,
                "-ts_rtol", "1e-8", "-ts_atol", "1e-8", "-output", out, "-output_count", 4, "-quiet", *extra])
    d = mhtest.read(out)
    return d, [d["outcomes"][k] for k in FIELDS]


def main():
    tmp = mhtest.tmpdir()
    for (alpha, t_end), ref in SCIPY.items():
        d, got = run(tmp, alpha, t_end)
        mhtest.check_close(got, PUBLISHED[alpha], 5e-3, f"alpha {alpha}, day {t_end}: (phi_I, phi_R, T) against the published states")
        mhtest.check_close(got, ref, 1e-5, f"alpha {alpha}, day {t_end}: (phi_I, phi_R, T) against scipy Radau")
        if alpha == "0.2" and t_end == 200:
            o = d["outcomes"]
            mhtest.check_close(o["inflammation_peak"], PEAK, 1e-5, "alpha 0.2: peak of the mean phi_I")
            mhtest.check(abs(o["inflammation_peak_time"] - PEAK_TIME) < 5e-3,
                         f"alpha 0.2: peak time measured {o['inflammation_peak_time']:.5g} day, expected {PEAK_TIME} +- 0.005 day")
    # Diffusion on, uniform state: still the well-mixed answer, in every cell.
    d, got = run(tmp, "0.2", 80, ["-nx", 8, "-waugh_sherratt_diffusivity_phi_I_mm2_per_day", 0.01,
                                  "-waugh_sherratt_diffusivity_phi_R_mm2_per_day", 0.01,
                                  "-waugh_sherratt_diffusivity_T_mm2_per_day", 1.0], "_diffusion")
    mhtest.check_close(got, SCIPY[("0.2", 80)], 1e-5, "alpha 0.2, day 80, with diffusion: means against scipy Radau")
    for name, ref in zip(("phi_I", "phi_R", "T"), SCIPY[("0.2", 80)]):
        last = d["fields"][name][-1]
        mhtest.check_close([last.min(), last.max()], [ref, ref], 1e-5, f"alpha 0.2, day 80, with diffusion: {name} min/max")


if __name__ == "__main__":
    main()
