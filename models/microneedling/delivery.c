/* microneedling: topical delivery through the channels (models/microneedling/README.md, "Topical
   delivery"). Each solute is six fields: its concentration in the skin u (vehicle-equivalent, the
   tissue's concentration over its partition coefficient, so that u is continuous across the
   layers), the film of formulation on the surface v (top row of cells only) and what the
   capillaries (or, ex vivo, the receptor) have taken up x; then the same three for intact skin, the
   model's own untreated reference (no channels), so that the enhancement ratio comes from one run.

     K_L u'  = div(D_L K_L grad u) + div(kappa d grad u) - k_L K_L u    (+ the film's flux, top cells)
     x'      = k_L K_L u
     h_f v'  = -J,   J = G (v - u),  G = 2 (D_L K_L + kappa d) / h_top    (while the film is on)

   with d the open channel fraction (field `damage`), kappa the solute's conductance in the
   channel's fluid (the framework's conduit, MHModelAddConduit), h_top the top cell's thickness and
   h_f the film's (applied volume per area). Every application replaces the film; what is left is
   counted as removed. The properties of each layer follow from the solute's molecular weight,
   log K_ow and radius (MNSoluteProperties); length in mm, time in days, concentration in mg/mL
   (= ug/mm^3), amounts per area reported in ug/cm^2. */
#include "microneedling_impl.h"

/* Presets of common actives: molecular weight [Da], log K_ow, hydrodynamic radius [nm] (0: from the
   molecular weight), and where each value comes from (the README's table holds the same). */
const MNSolutePreset MNSolutePresets[] = {
    {"caffeine", 194.19, -0.08, 0, "MW 194.1906 (NIST WebBook); log Kow -0.083 (Hansen2008)"},
    {"ascorbic_acid", 176.12, -1.85, 0, "MW 176.124 (from its formula C6H8O6); log Kow -1.85 a prior (no measured value read)"},
    {"niacinamide", 122.13, -0.35, 0, "MW 122.127 (from its formula C6H6N2O); log P -0.35 (Bhattaccharjee2020)"},
    {"tranexamic_acid", 157.21, -1.6, 0, "MW 157.2102 (DrugBank DB00302); log Kow -1.6 a prior for a zwitterion (no measured value read)"},
    {"minoxidil", 209.25, 1.2, 0, "MW 209.2483 (NCATS GSRS); log P 1.2 (computed XlogP, no measured value read)"},
    {"acetyl_hexapeptide_8", 889.0, -3.0, 0, "MW 889.00 (Argireline, from its formula C34H60N14O12S); log Kow -3 a prior for a charged hexapeptide (no measured value)"},
    {"palmitoyl_pentapeptide_4", 802.07, 2.0, 0, "MW 802.068 (Matrixyl, from its formula C39H75N7O10); log Kow 2 a prior for a palmitoylated peptide (no measured value)"},
    {"hyaluronic_acid_50kda", 50000, -4.0, 7.0, "a 50 kDa cosmetic hyaluronan; radius 7 nm a prior (a 70 kDa dextran's is 5.8 nm by Armstrong's 0.33 MW^0.463, and hyaluronan coils are stiffer); log Kow -4: a polyanion that does not enter lipids"},
    {"naloxone", 327.37, 2.1, 0, "MW 327.3743 (NCATS GSRS); log Kow 2.1 (a secondary value)"},
    {"amantadine", 151.25, 2.44, 0, "MW 151.25 (from its formula C10H17N); log Kow 2.44 (a secondary value)"},
    {NULL, 0, 0, 0, NULL},
};

/* Viscosity of water [Pa s] at T [K]: the Vogel equation with the usual constants. */
static PetscReal WaterViscosity(PetscReal T)
{
  return 2.414e-5 * PetscPowReal(10.0, 247.8 / (T - 140.0));
}

/* Renkin's hindrance of diffusion through a cylindrical pore, lambda = solute radius / pore radius. */
static PetscReal Renkin(PetscReal lambda)
{
  if (lambda >= 1) return 0;
  return PetscSqr(1 - lambda) * (1 - 2.104 * lambda + 2.09 * PetscPowReal(lambda, 3) - 0.95 * PetscPowReal(lambda, 5));
}

/* A solute's properties in each layer: free diffusivity (Stokes-Einstein), the stratum corneum's
   permeability (Potts-Guy) and partition (Nitsche's lipid and keratin domains), the viable layers' hindered diffusion
   (a small solute's share of its free diffusivity times the fibre matrix's Ogston factor for its size), the capillaries'
   clearance (vascular layers, Renkin through the capillary wall's pores) and the channel's
   conductance (free diffusion in its open share: the residual channel is microns wide, every
   solute nanometres, so no size hindrance there). */
PetscErrorCode MNSoluteProperties(const Microneedling *p, MNSolute *s)
{
  const PetscReal kB = 1.380649e-23, NA = 6.02214076e23, T = 273.15 + p->temperature;
  PetscReal       r, D0, kp, vmax = 0;

  PetscFunctionBeginUser;
  /* radius of a sphere of the molecule's volume (partial specific volume 0.73 mL/g) unless given */
  r       = s->radius > 0 ? s->radius * 1e-9 : PetscPowReal(3 * s->mw * 0.73e-6 / (4 * PETSC_PI * NA), 1.0 / 3); /* m */
  s->r_nm = r * 1e9;
  D0      = kB * T / (6 * PETSC_PI * WaterViscosity(T) * r) * 1e6 * 86400; /* m^2/s -> mm^2/day */
  s->D0   = D0;
  kp      = PetscPowReal(10.0, -2.7 + 0.71 * s->logkow - 0.0061 * s->mw) * 10 * 24; /* cm/h -> mm/day */
  s->kp   = kp;
  for (PetscInt L = 0; L < NL; L++)
    vmax = PetscMax(vmax, p->vascular[L]);
  for (PetscInt L = 0; L < NL; L++) {
    if (L == SC) {
      const PetscReal Kow = PetscPowReal(10.0, s->logkow); /* lipid and keratin domains (Nitsche2006) */
      s->K[L]             = 0.040 * PetscPowReal(Kow, 0.81) + 4.06 * PetscPowReal(Kow, 0.27) + 0.359;
      s->DK[L]            = kp * p->thickness[SC];
    } else {
      const PetscReal ogston = PetscExpReal(-PetscSqrtReal(p->fibre_fraction[L]) * s->r_nm / p->fibre_radius); /* relative to a point solute */
      s->K[L]                = 1;
      s->DK[L]               = D0 * p->tissue_share[L] * ogston;
    }
    s->clear[L] = vmax > 0 ? p->clearance * p->vascular[L] / vmax * Renkin(s->r_nm / p->capillary_pore) : 0;
    if (p->ex_vivo) s->clear[L] = 0;
  }
  if (p->ex_vivo) { /* the hypodermis is the receptor: a well-stirred sink */
    s->K[HYPO]     = 1;
    s->DK[HYPO]    = D0;
    s->clear[HYPO] = MN_RECEPTOR_RATE;
  }
  s->kappa = p->channel_share * D0;
  PetscFunctionReturn(0);
}

/* Whether a film is on the skin at time t: after an application and before it is wiped off. */
static inline PetscBool FilmOn(const Microneedling *p, PetscReal t)
{
  PetscReal ta = -1;
  for (PetscInt a = 0; a < p->napps && p->app_time[a] <= t + 1e-12; a++)
    ta = p->app_time[a];
  return (PetscBool)(ta >= 0 && (p->contact <= 0 || t < ta + p->contact));
}

void MNSoluteReaction(const Microneedling *p, PetscReal t, const PetscReal x[3], const PetscScalar u[], PetscScalar r[])
{
  const PetscInt  L   = Layer(p, x[2]);
  const PetscBool top = (PetscBool)(x[2] < p->h_top && FilmOn(p, t));
  const PetscReal d   = PetscMax(PetscRealPart(u[D]), 0.0);

  for (PetscInt k = 0; k < p->nsolutes; k++) {
    const MNSolute    *s = &p->sol[k];
    const PetscScalar *w = &u[NF + SOLUTE_FIELDS * k];
    PetscScalar       *f = &r[NF + SOLUTE_FIELDS * k];
    for (PetscInt twin = 0; twin < 2; twin++) {
      const PetscInt o = twin ? SU0 : SU;
      PetscScalar    J = 0;
      if (top) J = 2 * (s->DK[L] + (twin ? 0 : s->kappa * d)) / p->h_top * (w[o + SV - SU] - w[o]);
      f[o]           = J / (p->h_top * s->K[L]) - s->clear[L] * w[o];
      f[o + SV - SU] = s->film > 0 ? -J / s->film : 0;
      f[o + SX - SU] = s->clear[L] * s->K[L] * w[o];
    }
  }
}

void MNSoluteJacobian(const Microneedling *p, PetscReal t, const PetscReal x[3], const PetscScalar u[], PetscScalar Jm[])
{
  const PetscInt  L = Layer(p, x[2]), nf = p->nf;
  const PetscBool top = (PetscBool)(x[2] < p->h_top && FilmOn(p, t));
  const PetscReal d   = PetscMax(PetscRealPart(u[D]), 0.0);

  for (PetscInt k = 0; k < p->nsolutes; k++) {
    const MNSolute    *s = &p->sol[k];
    const PetscInt     b = NF + SOLUTE_FIELDS * k;
    const PetscScalar *w = &u[b];
    for (PetscInt twin = 0; twin < 2; twin++) {
      const PetscInt  iu = b + (twin ? SU0 : SU), iv = iu + SV - SU, ix = iu + SX - SU;
      const PetscReal G  = top ? 2 * (s->DK[L] + (twin ? 0 : s->kappa * d)) / p->h_top : 0;
      const PetscReal dG = top && !twin && PetscRealPart(u[D]) > 0 ? 2 * s->kappa / p->h_top : 0; /* dG/dd */
      const PetscReal dv = PetscRealPart(w[iv - b] - w[iu - b]);
      Jm[iu * nf + iu]   = -G / (p->h_top * s->K[L]) - s->clear[L];
      Jm[iu * nf + iv]   = G / (p->h_top * s->K[L]);
      if (!twin) Jm[iu * nf + D] = dG * dv / (p->h_top * s->K[L]);
      if (s->film > 0) {
        Jm[iv * nf + iu] = G / s->film;
        Jm[iv * nf + iv] = -G / s->film;
        if (!twin) Jm[iv * nf + D] = -dG * dv / s->film;
      }
      Jm[ix * nf + iu] = s->clear[L] * s->K[L];
    }
  }
}

/* Transport coefficients of the solute fields at depth z (the caller zeroes the rest). */
void MNSoluteCoefficients(const Microneedling *p, PetscReal z, PetscReal D_out[], PetscReal cap[], PetscReal kappa[])
{
  const PetscInt  L   = Layer(p, z);
  const PetscBool top = (PetscBool)(z < p->h_top);

  for (PetscInt k = 0; k < p->nsolutes; k++) {
    const MNSolute *s = &p->sol[k];
    const PetscInt  b = NF + SOLUTE_FIELDS * k;
    /* the film mixes across the surface by free diffusion; its capacity is its thickness over the top cell's */
    const PetscReal cf = top && s->film > 0 ? s->film / p->h_top : 1;
    for (PetscInt twin = 0; twin < 2; twin++) {
      const PetscInt o = b + (twin ? SU0 : SU);
      if (D_out) {
        D_out[o]           = s->DK[L];
        D_out[o + SV - SU] = top && s->film > 0 ? s->D0 * cf : 0;
        D_out[o + SX - SU] = 0;
      }
      if (cap) {
        cap[o]           = s->K[L];
        cap[o + SV - SU] = cf;
        cap[o + SX - SU] = 1;
      }
    }
    if (kappa) kappa[k] = s->kappa;
  }
}

/* The solutes' fields, their coupling and conduits (after the options are read). */
PetscErrorCode MNSoluteFields(MHModel m)
{
  Microneedling *p = (Microneedling *)m->data;
  char           names[MH_MAX_FIELDS][MH_NAME_LEN];
  const char    *nm[MH_MAX_FIELDS], *un[MH_MAX_FIELDS];
  const char    *suffix[SOLUTE_FIELDS] = {"", "_film", "_cleared", "_intact", "_intact_film", "_intact_cleared"};

  PetscFunctionBeginUser;
  p->nf = NF + SOLUTE_FIELDS * p->nsolutes;
  for (PetscInt f = 0; f < NF; f++)
    nm[f] = field_names[f], un[f] = field_units[f];
  for (PetscInt k = 0; k < p->nsolutes; k++)
    for (PetscInt q = 0; q < SOLUTE_FIELDS; q++) {
      PetscInt f = NF + SOLUTE_FIELDS * k + q;
      PetscCall(PetscSNPrintf(names[f], MH_NAME_LEN, "%s%s", p->sol[k].name, suffix[q]));
      nm[f] = names[f];
      un[f] = "mg/mL";
    }
  PetscCall(MHModelSetFields(m, p->nf, nm, un));
  for (PetscInt i = 0; i < p->nf; i++)
    for (PetscInt j = 0; j < p->nf; j++)
      m->coupling[i][j] = (PetscBool)(i == j || (i < NF && j < NF && MNCoupled(i, j)));
  for (PetscInt k = 0; k < p->nsolutes; k++) {
    const PetscInt b = NF + SOLUTE_FIELDS * k;
    for (PetscInt twin = 0; twin < 2; twin++) {
      const PetscInt iu = b + (twin ? SU0 : SU), iv = iu + SV - SU, ix = iu + SX - SU;
      m->coupling[iu][iv] = m->coupling[iv][iu] = m->coupling[ix][iu] = PETSC_TRUE;
      if (!twin) m->coupling[iu][D] = m->coupling[iv][D] = PETSC_TRUE;
    }
    PetscCall(MHModelAddConduit(m, b + SU, D));
  }
  PetscFunctionReturn(0);
}

/* The per-solute options of the parameter table (row i), read in its order; the last computes
   each solute's properties. */
PetscErrorCode MNSoluteSetFromOptions(MHModel m, PetscOptionItems *PetscOptionsObject, PetscInt i)
{
  Microneedling *p = (Microneedling *)m->data;
  const MNParam *e = &MNParams[i];
  char           opt[2 * MH_NAME_LEN + 2];
  PetscBool      set;

  PetscFunctionBeginUser;
  PetscCall(PetscSNPrintf(opt, sizeof opt, "-%s_%s", m->name, e->name));
  if (i == MN_P_SOLUTES) {
    char names[MAX_SOLUTES][MH_NAME_LEN];
    PetscCall(MHModelParamNames(m, PetscOptionsObject, e->name, e->help, MAX_SOLUTES, &p->nsolutes, names));
    for (PetscInt k = 0; k < p->nsolutes; k++) {
      MNSolute *s = &p->sol[k];
      size_t    len;
      PetscCall(PetscStrlen(names[k], &len));
      PetscCheck(len <= 24, m->comm, PETSC_ERR_ARG_WRONG, "%s: '%s' is longer than 24 characters (it names fields and outcomes)", opt, names[k]);
      PetscCall(PetscStrncpy(s->name, names[k], sizeof s->name));
      s->mw = s->logkow = (PetscReal)NAN, s->radius = 0;
      for (const MNSolutePreset *q = MNSolutePresets; q->name; q++) {
        PetscBool same;
        PetscCall(PetscStrcmp(q->name, names[k], &same));
        if (same) s->mw = q->mw, s->logkow = q->logkow, s->radius = q->radius;
      }
    }
    PetscFunctionReturn(0);
  }
  if (!p->nsolutes) { /* no solutes: the option has nothing to act on (-help still lists it) */
    PetscCall(PetscOptionsHasName(NULL, NULL, opt, &set));
    PetscCheck(!set, m->comm, PETSC_ERR_ARG_INCOMP, "%s: no solute is applied; name them with -%s_solutes", opt, m->name);
    if (PetscOptionsObject->printhelp) {
      char      text[768];
      PetscReal v = e->def[0];
      PetscCall(PetscSNPrintf(text, sizeof text, "%s (%s; with -%s_solutes: %s) {%s: %s}", e->help, e->unit, m->name, i == MN_P_APPLICATION ? "1 to 8 values" : "one value per solute, or one for all", MNStatusNames[e->status], e->source));
      PetscCall(PetscOptionsReal(opt, text, e->unit, v, &v, NULL));
    }
    PetscFunctionReturn(0);
  }
  if (i == MN_P_APPLICATION) {
    PetscInt n = 1;
    PetscCall(MHModelParamRealArray(m, PetscOptionsObject, e->name, e->unit, e->help, MAX_APPLICATIONS, NULL, e->def, e->range, &n, p->apply));
    for (PetscInt a = 0; a < n; a++) {
      PetscCheck(a == 0 || p->apply[a] > p->apply[a - 1], m->comm, PETSC_ERR_ARG_OUTOFRANGE, "%s: application %" PetscInt_FMT " at %g h is not after the one before (%g h); give them in increasing order", opt, a + 1, (double)p->apply[a], (double)p->apply[a - 1]);
      p->apply[a] /= 24;
    }
    p->napply = n;
    PetscFunctionReturn(0);
  }
  {
    const char *labels[MAX_SOLUTES];
    PetscReal   def[MAX_SOLUTES], v[MAX_SOLUTES];
    PetscInt    n = p->nsolutes;
    for (PetscInt k = 0; k < p->nsolutes; k++) {
      MNSolute *s = &p->sol[k];
      labels[k]   = s->name;
      def[k]      = i == MN_P_SOLUTE_MW ? s->mw : i == MN_P_SOLUTE_LOGKOW ? s->logkow
               : i == MN_P_SOLUTE_RADIUS                                  ? s->radius
                                                                          : e->def[0];
    }
    if (i == MN_P_SOLUTE_MW || i == MN_P_SOLUTE_LOGKOW) {
      PetscCall(PetscOptionsHasName(NULL, NULL, opt, &set));
      for (PetscInt k = 0; k < p->nsolutes; k++)
        PetscCheck(set || !PetscIsNanReal(def[k]), m->comm, PETSC_ERR_ARG_WRONG, "-%s_solutes: '%s' is not a preset; give its %s", m->name, labels[k], opt);
      for (PetscInt k = 0; k < p->nsolutes; k++)
        if (PetscIsNanReal(def[k])) def[k] = e->range.lo; /* replaced by the option's value */
    }
    PetscCall(MHModelParamRealArray(m, PetscOptionsObject, e->name, e->unit, e->help, p->nsolutes, labels, def, e->range, &n, v));
    for (PetscInt k = 0; k < p->nsolutes; k++) {
      MNSolute *s = &p->sol[k];
      if (i == MN_P_SOLUTE_MW) s->mw = v[k];
      if (i == MN_P_SOLUTE_LOGKOW) s->logkow = v[k];
      if (i == MN_P_SOLUTE_RADIUS) s->radius = v[k];
      if (i == MN_P_SOLUTE_CONCENTRATION) s->conc = v[k];
      if (i == MN_P_SOLUTE_DOSE) s->film = v[k] * 1e-2; /* uL/cm^2 = mm^3 / 100 mm^2 -> mm */
    }
  }
  PetscFunctionReturn(0);
}

/* The events: sessions and applications in time order, those at the same time merged (the
   session first, so that an application at 0 h follows the needles). */
PetscErrorCode MNEventsSet(MHModel m)
{
  Microneedling *p = (Microneedling *)m->data;
  PetscReal      t[MH_MAX_EVENTS];
  PetscInt       nbase = PetscMax(p->nsessions, 1);

  PetscFunctionBeginUser;
  p->napps = 0;
  for (PetscInt s = 0; s < MAX_SOLUTES; s++)
    p->acc.lag[0][s] = p->acc.lag[1][s] = (PetscReal)NAN; /* none before the first application */
  if (p->nsolutes)
    for (PetscInt k = 0; k < nbase; k++)
      for (PetscInt a = 0; a < p->napply; a++) {
        PetscReal ta = (p->nsessions ? p->session_time[k] : 0) + p->apply[a];
        PetscCheck(ta >= 0, m->comm, PETSC_ERR_ARG_OUTOFRANGE, "-%s_application_h %g: falls %g h before the run starts (session %" PetscInt_FMT " at day %g); start the sessions later (-%s_session_times_days)", m->name, (double)(24 * p->apply[a]), (double)(-24 * ta), k + 1, (double)(p->nsessions ? p->session_time[k] : 0), m->name);
        PetscCheck(p->napps < MH_MAX_EVENTS, m->comm, PETSC_ERR_ARG_OUTOFRANGE, "-%s_application_h: %" PetscInt_FMT " sessions x %" PetscInt_FMT " applications is more than %d events", m->name, nbase, p->napply, MH_MAX_EVENTS);
        PetscCheck(p->napps == 0 || ta > p->app_time[p->napps - 1], m->comm, PETSC_ERR_ARG_OUTOFRANGE, "-%s_application_h: the application %g h after session %" PetscInt_FMT " falls at or before one of the session before; applications must stay in time order", m->name, (double)(24 * p->apply[a]), k + 1);
        p->app_time[p->napps++] = ta;
      }
  p->nev = 0;
  for (PetscInt k = 0, a = 0; k < p->nsessions || a < p->napps;) {
    PetscBool take_s = (PetscBool)(k < p->nsessions && (a >= p->napps || p->session_time[k] <= p->app_time[a] + 1e-12));
    PetscReal tn     = take_s ? p->session_time[k] : p->app_time[a];
    PetscCheck(p->nev < MH_MAX_EVENTS, m->comm, PETSC_ERR_ARG_OUTOFRANGE, "-%s_application_h: sessions and applications make more than %d events", m->name, MH_MAX_EVENTS);
    t[p->nev]             = tn;
    p->ev_session[p->nev] = take_s ? k++ : -1;
    p->ev_apply[p->nev]   = PETSC_FALSE;
    if (a < p->napps && PetscAbsReal(p->app_time[a] - tn) <= 1e-12) {
      p->ev_apply[p->nev] = PETSC_TRUE;
      a++;
    }
    p->nev++;
  }
  PetscCall(MHModelSetEvents(m, p->nev, t));
  PetscFunctionReturn(0);
}

/* What the delivery outcomes integrate, per solute and skin (0 treated, 1 intact), per area
   [ug/mm^2, ug/mm^2/day]: amount in each layer, cleared, on the surface, and the flux through the
   base of the stratum corneum. */
typedef struct {
  PetscReal layer[MAX_SOLUTES][2][NL], cleared[MAX_SOLUTES][2], film[MAX_SOLUTES][2], flux[MAX_SOLUTES][2];
} SoluteSums;

static inline PetscReal Series(PetscReal wL, PetscReal aL, PetscReal wR, PetscReal aR)
{
  return aL > 0 && aR > 0 ? 2 / (wL / aL + wR / aR) : 0;
}

static PetscErrorCode SoluteIntegrals(MHModel m, const MHGrid *g, Vec U, SoluteSums *sum)
{
  Microneedling     *p  = (Microneedling *)m->data;
  const PetscInt     zd = g->dim - 1, nf = p->nf;
  const PetscScalar *u;
  SoluteSums         loc;
  Vec                Ul;
  PetscInt           kz = -1, gst[3] = {1, g->gxm[0], g->gxm[0] * g->gxm[1]};
  PetscReal          area;

  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(&loc, sizeof loc));
  for (PetscInt k = 1; k < g->n[zd] && kz < 0; k++) /* the first cell below the stratum corneum */
    if (Layer(p, g->centres[zd][k]) != SC && Layer(p, g->centres[zd][k - 1]) == SC) kz = k;
  PetscCall(DMGetLocalVector(g->da, &Ul));
  PetscCall(DMGlobalToLocalBegin(g->da, U, INSERT_VALUES, Ul));
  PetscCall(DMGlobalToLocalEnd(g->da, U, INSERT_VALUES, Ul));
  PetscCall(VecGetArrayRead(Ul, &u));
  MH_FOR_OWNED_CELLS (g, i, j, kk) {
    PetscInt           idx[3] = {i, j, kk}, go = ((kk - g->gxs[2]) * g->gxm[1] + (j - g->gxs[1])) * g->gxm[0] + (i - g->gxs[0]);
    PetscReal          dv = MHGridCellVolume(g, idx), z = g->centres[zd][idx[zd]], face = dv / g->widths[zd][idx[zd]];
    PetscInt           L = Layer(p, z);
    const PetscScalar *v = &u[go * nf];
    for (PetscInt s = 0; s < p->nsolutes; s++) {
      const MNSolute *so = &p->sol[s];
      for (PetscInt tw = 0; tw < 2; tw++) {
        const PetscInt o = NF + SOLUTE_FIELDS * s + (tw ? SU0 : SU);
        loc.layer[s][tw][L] += so->K[L] * PetscRealPart(v[o]) * dv;
        loc.cleared[s][tw] += PetscRealPart(v[o + SX - SU]) * dv;
        if (z < p->h_top) loc.film[s][tw] += so->film * PetscRealPart(v[o + SV - SU]) * face;
        if (idx[zd] == kz) { /* the face above this cell: flux down from the stratum corneum's last cell */
          const PetscScalar *a  = &u[(go - gst[zd]) * nf];
          const PetscReal    wA = g->widths[zd][kz - 1], wB = g->widths[zd][kz], LA = Layer(p, g->centres[zd][kz - 1]);
          PetscReal          T = Series(wA, so->DK[(PetscInt)LA], wB, so->DK[L]);
          if (!tw) T += Series(wA, so->kappa * PetscMax(PetscRealPart(a[D]), 0.0), wB, so->kappa * PetscMax(PetscRealPart(v[D]), 0.0));
          loc.flux[s][tw] += T * PetscRealPart(a[o] - v[o]) * face;
        }
      }
    }
  }
  PetscCall(VecRestoreArrayRead(Ul, &u));
  PetscCall(DMRestoreLocalVector(g->da, &Ul));
  PetscCall(MPIU_Allreduce(&loc, sum, (PetscMPIInt)(sizeof loc / sizeof(PetscReal)), MPIU_REAL, MPIU_SUM, m->comm));
  area = MHGridTotalVolume(g) / (g->faces[zd][g->n[zd]] - g->faces[zd][0]); /* the skin surface [mm^2] (2-D: per mm of y) */
  {
    PetscReal *all = (PetscReal *)sum;
    for (size_t q = 0; q < sizeof *sum / sizeof(PetscReal); q++)
      all[q] /= area;
  }
  PetscFunctionReturn(0);
}

/* Delivered below the stratum corneum (viable layers and cleared) [ug/mm^2]. */
static PetscReal Delivered(const SoluteSums *S, PetscInt s, PetscInt tw)
{
  PetscReal q = S->cleared[s][tw];
  for (PetscInt L = EPI; L < NL; L++)
    q += S->layer[s][tw][L];
  return q;
}

/* An application: what is left of the film is wiped off (counted as removed), a fresh film of
   the formulation is laid on the top row of cells. */
static PetscErrorCode MNApply(MHModel m, const MHGrid *g, PetscReal t, Vec U)
{
  Microneedling *p = (Microneedling *)m->data;
  SoluteSums     S;
  PetscScalar   *u;
  PetscInt       n = 0;

  PetscFunctionBeginUser;
  PetscCall(SoluteIntegrals(m, g, U, &S));
  for (PetscInt s = 0; s < p->nsolutes; s++)
    for (PetscInt tw = 0; tw < 2; tw++) {
      p->acc.removed[tw][s] += S.film[s][tw];
      p->acc.Q_app[tw][s]  = Delivered(&S, s, tw);
      p->acc.J_peak[tw][s] = 0;
      p->acc.lag[tw][s]    = (PetscReal)NAN;
    }
  PetscCall(VecGetArray(U, &u));
  MH_FOR_OWNED_CELLS_COUNTED (g, i, j, kk, n) {
    PetscInt idx[3] = {i, j, kk};
    if (g->centres[g->dim - 1][idx[g->dim - 1]] >= p->h_top) continue;
    for (PetscInt s = 0; s < p->nsolutes; s++) {
      u[n * p->nf + NF + SOLUTE_FIELDS * s + SV]  = p->sol[s].conc;
      u[n * p->nf + NF + SOLUTE_FIELDS * s + SV0] = p->sol[s].conc;
    }
  }
  PetscCall(VecRestoreArray(U, &u));
  for (PetscInt s = 0; s < p->nsolutes; s++)
    p->acc.applied[s] += p->sol[s].conc * p->sol[s].film;
  p->acc.t_app = t;
  PetscFunctionReturn(0);
}

PetscErrorCode MNEvent(MHModel m, const MHGrid *g, PetscInt k, PetscReal t, Vec U)
{
  Microneedling *p = (Microneedling *)m->data;

  PetscFunctionBeginUser;
  if (p->ev_session[k] >= 0) PetscCall(MNSession(m, g, p->ev_session[k], t, U));
  if (p->ev_apply[k]) PetscCall(MNApply(m, g, t, U));
  PetscFunctionReturn(0);
}

PetscErrorCode MNSoluteAddOutcomes(MHModel m)
{
  Microneedling *p = (Microneedling *)m->data;
  /* in the order MNSoluteOutcomes writes them */
  const char *what[12] = {"delivered", "flux_viable", "enhancement", "delivered_fraction", "lag_h", "cleared", "on_surface", "removed", "intact_delivered", "intact_flux_viable", "intact_lag_h", "mass_balance"};
  const char *unit[12] = {"ug/cm^2", "ug/cm^2/h", "1", "1", "h", "ug/cm^2", "ug/cm^2", "ug/cm^2", "ug/cm^2", "ug/cm^2/h", "h", "1"};

  PetscFunctionBeginUser;
  for (PetscInt s = 0; s < p->nsolutes; s++) {
    char name[MH_NAME_LEN];
    for (PetscInt q = 0; q < 12; q++) {
      PetscCall(PetscSNPrintf(name, sizeof name, "%s_%s", p->sol[s].name, what[q]));
      PetscCall(MHModelAddOutcome(m, name, unit[q]));
    }
    for (PetscInt L = 0; L < NL; L++) {
      PetscCall(PetscSNPrintf(name, sizeof name, "%s_in_%s", p->sol[s].name, layer_short[L]));
      PetscCall(MHModelAddOutcome(m, name, "ug/cm^2"));
    }
  }
  PetscFunctionReturn(0);
}

PetscErrorCode MNSoluteOutcomes(MHModel m, const MHGrid *g, PetscReal t, Vec U, PetscReal out[])
{
  Microneedling  *p = (Microneedling *)m->data;
  SoluteSums      S;
  PetscInt        o   = 0;
  const PetscReal cm2 = 100, per_h = 100.0 / 24; /* ug/mm^2 -> ug/cm^2; ug/mm^2/day -> ug/cm^2/h */
  const PetscBool film = FilmOn(p, t);

  PetscFunctionBeginUser;
  if (!p->nsolutes) PetscFunctionReturn(0);
  PetscCall(SoluteIntegrals(m, g, U, &S));
  for (PetscInt s = 0; s < p->nsolutes; s++) {
    PetscReal Q = Delivered(&S, s, 0), Q0 = Delivered(&S, s, 1), bal = 0, removed[2];
    for (PetscInt tw = 0; tw < 2; tw++) {
      /* the lag time: the tangent of the amount delivered since the latest application meets zero at
         t - dQ/J; taken while the flux rises and kept from its peak (an infinite dose's flux rises
         to its steady value, where this is the classic lag time) */
      PetscReal J = S.flux[s][tw], dQ = Delivered(&S, s, tw) - p->acc.Q_app[tw][s];
      if (p->napps && t > p->acc.t_app && film && J > p->acc.J_peak[tw][s]) {
        p->acc.J_peak[tw][s] = J;
        p->acc.lag[tw][s]    = PetscClipInterval(24 * (t - p->acc.t_app - dQ / J), 0.0, 24 * (t - p->acc.t_app)); /* a denormal J: dQ/J may overflow */
      }
      /* a film wiped off counts as removed from then on (it stays in its field, out of contact) */
      removed[tw] = p->acc.removed[tw][s] + (film ? 0 : S.film[s][tw]);
    }
    if (p->sol[s].film > 0 && p->acc.applied[s] > 0)
      for (PetscInt tw = 0; tw < 2; tw++) {
        PetscReal in = S.cleared[s][tw] + S.film[s][tw] + p->acc.removed[tw][s];
        for (PetscInt L = 0; L < NL; L++)
          in += S.layer[s][tw][L];
        bal = PetscMax(bal, PetscAbsReal(p->acc.applied[s] - in) / p->acc.applied[s]);
      }
    else
      bal = (PetscReal)NAN;
    out[o++] = Q * cm2;
    out[o++] = S.flux[s][0] * per_h;
    out[o++] = Q > 0 && Q0 > 1e-9 * Q ? Q / Q0 : (PetscReal)NAN; /* beyond 1e9: none crosses intact skin; none delivered (Q <= 0, round-off): none to compare */
    out[o++] = p->sol[s].film > 0 && p->acc.applied[s] > 0 ? Q / p->acc.applied[s] : (PetscReal)NAN;
    out[o++] = p->acc.lag[0][s];
    out[o++] = S.cleared[s][0] * cm2;
    out[o++] = film ? S.film[s][0] * cm2 : 0;
    out[o++] = removed[0] * cm2;
    out[o++] = Q0 * cm2;
    out[o++] = S.flux[s][1] * per_h;
    out[o++] = p->acc.lag[1][s];
    out[o++] = bal;
    for (PetscInt L = 0; L < NL; L++)
      out[o++] = S.layer[s][0][L] * cm2;
  }
  PetscFunctionReturn(0);
}

/* The output's /model table of the solutes' derived properties, and the run's header lines. */
PetscErrorCode MNSoluteDescribe(MHModel m)
{
  Microneedling *p = (Microneedling *)m->data;
  PetscReal      rows[MAX_SOLUTES][8 + 2 * NL];
  char           names[MAX_SOLUTES * 48] = "", cols[1024] = "mw,log_kow,radius,free_diffusivity,kp_intact,applied_concentration,film_thickness,channel_conductance", units[512] = "Da,1,nm,mm^2/day,cm/h,mg/mL,mm,mm^2/day";

  PetscFunctionBeginUser;
  if (!p->nsolutes) PetscFunctionReturn(0);
  for (PetscInt L = 0; L < NL; L++) {
    MHStrlcat(cols, ",diffusivity_x_partition_", sizeof cols), MHStrlcat(cols, layer_short[L], sizeof cols);
    MHStrlcat(units, ",mm^2/day", sizeof units);
  }
  for (PetscInt L = 0; L < NL; L++) {
    MHStrlcat(cols, ",clearance_", sizeof cols), MHStrlcat(cols, layer_short[L], sizeof cols);
    MHStrlcat(units, ",1/day", sizeof units);
  }
  for (PetscInt k = 0; k < p->nsolutes; k++) {
    const MNSolute *s = &p->sol[k];
    PetscReal      *r = rows[k];
    r[0] = s->mw, r[1] = s->logkow, r[2] = s->r_nm, r[3] = s->D0, r[4] = s->DK[SC] / p->thickness[SC] / 240, r[5] = s->conc, r[6] = s->film, r[7] = s->kappa;
    for (PetscInt L = 0; L < NL; L++)
      r[8 + L] = s->DK[L], r[8 + NL + L] = s->clear[L];
    MHStrlcat(names, k ? "," : "", sizeof names), MHStrlcat(names, s->name, sizeof names);
    PetscCall(PetscInfo(NULL, "solute %s: radius %g nm, D0 %g mm^2/day, kp %g cm/h\n", s->name, (double)s->r_nm, (double)s->D0, (double)(s->kp / 240)));
  }
  PetscCall(MHModelAddTable(m, "solutes",
      "Solutes applied: their inputs and derived transport (diffusivity x partition per layer: the stratum corneum's is Potts-Guy's kp x its thickness; film thickness 0: an infinite dose)", cols, units, names, p->nsolutes, 8 + 2 * NL, &rows[0][0]));
  PetscFunctionReturn(0);
}
