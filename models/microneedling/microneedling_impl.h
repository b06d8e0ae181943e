/* microneedling: private header shared by the model's files (kernels.c, parameter_table.c,
   parameters.c, sessions.c, outcomes.c, microneedling.c): the layers, fields and options' names,
   the parameter table's type, the model's data and the per-layer lookup. Equations in kernels.c
   and models/microneedling/README.md. */
#pragma once

#include "mhmodel.h"
#include "needles.h"
#include <math.h>

#define NL 5
enum { SC,
  EPI,
  PAP,
  RET,
  HYPO };
static const char *const layer_name[NL]  = {"stratum_corneum", "epidermis", "papillary_dermis", "reticular_dermis", "hypodermis"};
static const char *const layer_short[NL] = {"sc", "epidermis", "papillary", "reticular", "hypodermis"};
static const PetscBool   dermal[NL]      = {PETSC_FALSE, PETSC_FALSE, PETSC_TRUE, PETSC_TRUE, PETSC_TRUE};

enum { D,
  S,
  N,
  M1,
  M2,
  T,
  F,
  C3,
  C1,
  E,
  RC,
  GF,
  EP,
  NF };
static const char *const field_names[NF] = {"damage", "signal", "neutrophils", "macrophages_inflammatory", "macrophages_repair", "tgfb", "fibroblasts", "collagen_III", "collagen_I", "elastin", "recoil", "kgf", "epidermal_thickness"};
static const char *const field_units[NF] = {"1", "1", "cells/mm^3", "cells/mm^3", "cells/mm^3", "ng/mL", "1", "1", "1", "1", "1", "1", "1"};
/* transported fields (rows of Microneedling.Dl); the macrophage phenotypes share one diffusivity
   option (parameter_table.c) */
static const PetscInt moving[] = {S, N, M1, M2, T, F, GF};
#define NMOVING 7

/* Skin presets: the default layer thicknesses of a body site (parameter_table.c, MNSites) */
typedef enum { SKIN_FACE,
  SKIN_BODY,
  SKIN_DORSAL_HAND,
  SKIN_BACK,
  SKIN_NECK,
  SKIN_FOREHEAD,
  SKIN_ABDOMEN,
  SKIN_UPPER_ARM,
  NSKINS } Skin;
static const char *const skins[] = {"face", "body", "dorsal_hand", "back", "neck", "forehead", "abdomen", "upper_arm", NULL};
typedef struct {
  PetscReal   mm[NL]; /* layer thicknesses */
  const char *source; /* where each comes from */
} MNSite;
PETSC_INTERN const MNSite MNSites[NSKINS];
typedef enum { DOMAIN_UNIT_CELL,
  DOMAIN_PATCH } Domain;
static const char *const domains[] = {"unit_cell", "patch", NULL};
/* Ogunjimi 2020's groups (self-reported, upper arm, n = 111) and their mean micropore lifetimes [h];
   cohort: the study's mean weighted by group size (32, 22, 23, 10, 23) */
static const char *const skin_groups[]      = {"cohort", "asian", "black", "latino", "multiracial", "white", NULL};
static const PetscReal   skin_group_hours[] = {53.76, 44.1, 66.5, 61.1, 48.0, 50.2};
static const char *const patterns[]         = {"square", "hexagonal", "random", NULL}; /* MNPattern order */
static const char *const tissues[]          = {"in_vivo", "ex_vivo", NULL};
typedef enum { SCAR_NONE,
  SCAR_ATROPHIC,
  SCAR_KELOID,
  SCAR_MATURE } Scar;
static const char *const scars[] = {"none", "atrophic", "keloid", "mature", NULL};

#define MAX_SESSIONS 16
#define MAX_PASSES 64
#define MAX_SOLUTES 8 /* topical delivery: 13 + 6 x 8 = 61 of the framework's 64 fields */
/* outcomes per session, after the time series */
enum { OUT_BARRIER,
  OUT_INFLAMMATION,
  OUT_EPIDERMIS,
  OUT_SERIES_PER_LAYER };
#define PER_LAYER 8 /* collagen gain, I, III, I fraction, elastin, histological collagen area and its gain, gain over untreated skin of the same age */
/* Each session's outcomes, in the order of their names (outcomes.c) */
enum { SESSION_BARRIER_H,
  SESSION_DYE_TIGHT_H,
  SESSION_PEAK,
  SESSION_PEAK_H,
  SESSION_RESOLUTION_H,
  SESSION_BLEEDING,       /* vascular tissue opened by the needles, per skin area [uL/cm^2]: pinpoint bleeding */
  SESSION_EXPOSURE_H,     /* open barrier (epidermal deficit) integrated over time until the next session [h] */
  SESSION_INFLAMMATION_H, /* inflammation integrated over time until the next session [h]: a swelling proxy */
  PER_SESSION };

/* The outcomes' running state: reals only, so that checkpoints save and restore it whole
   (MHModelSetState). */
typedef struct {
  PetscReal current;                                              /* latest session applied (an index), -1 none */
  PetscReal fresh;                                                /* 1: the next outcome call is the first after it */
  PetscReal t_prev, B_prev, V_prev, S_prev, B0, V0, peak, peak_t; /* barrier, open volume, signal */
  PetscReal Vv_prev;                                              /* open vascular volume per area [mm] */
  PetscReal sess[MAX_SESSIONS][PER_SESSION];
  /* delivery, per solute and skin (0 treated, 1 intact) [ug/mm^2]: applied, removed with the film
     at a new application, delivered below the stratum corneum at the latest application */
  PetscReal applied[MAX_SOLUTES], removed[2][MAX_SOLUTES], Q_app[2][MAX_SOLUTES], t_app;
  PetscReal J_peak[2][MAX_SOLUTES], lag[2][MAX_SOLUTES]; /* since the latest application: the flux's peak, the lag time there [h] */
} Tracking;

/* Topical delivery (delivery.c): each solute is SOLUTE_FIELDS fields after the NF of the skin. */
#define SOLUTE_FIELDS 6
enum { SU, /* in the skin: vehicle-equivalent concentration (tissue's over its partition) */
  SV,      /* the film of formulation on the surface (top row of cells) */
  SX,      /* taken up by the capillaries (ex vivo: the receptor), per volume of skin */
  SU0,     /* the same three in intact skin (no channels): the model's own reference */
  SV0,
  SX0 };
#define MAX_APPLICATIONS 8   /* per session */
#define MN_RECEPTOR_RATE 1e4 /* ex vivo: the receptor's uptake from the hypodermis [1/day], a perfect sink */
typedef struct {
  const char *name;
  PetscReal   mw, logkow, radius; /* Da, 1, nm (0: from mw) */
  const char *source;
} MNSolutePreset;
PETSC_INTERN const MNSolutePreset MNSolutePresets[];
typedef struct {
  char      name[48];
  PetscReal mw, logkow, radius; /* as given: Da, 1, nm (0: from mw) */
  PetscReal conc, film;         /* applied concentration [mg/mL]; film thickness = volume per area [mm] (0: infinite dose) */
  /* derived (MNSoluteProperties) */
  PetscReal r_nm, D0, kp;             /* radius [nm], free diffusivity [mm^2/day], SC permeability [mm/day] */
  PetscReal K[NL], DK[NL], clear[NL]; /* partition (tissue/vehicle), diffusivity x partition [mm^2/day], clearance [1/day] */
  PetscReal kappa;                    /* conductance in the channel's fluid [mm^2/day] */
} MNSolute;

typedef struct {
  /* skin */
  PetscInt  skin, group;
  PetscReal age;                                                     /* years */
  PetscInt  scar;                                                    /* Scar: the dermis treated is a scar's */
  PetscReal scar_deficit, scar_excess, keloid_synthesis, scar_level; /* atrophic deficit, keloid (mature scar) excess, the keloid's new-collagen synthesis factor; the dermis's level at rest */
  PetscReal phi3_normal;                                             /* normal skin's collagen III share (phi3 is the scar's where there is one) */
  PetscReal shortfall, responsiveness;                               /* aged skin: homeostatic collagen production short of turnover, new-collagen synthesis (1 at 30) */
  PetscReal thickness[NL], top[NL + 1];                              /* layer depths [mm] */
  /* needles and protocol */
  PetscReal  length[MAX_SESSIONS], density[MAX_SESSIONS]; /* mm, per mm^2 */
  PetscReal  penetration, r_surface, r_tip, tip_length;
  PetscInt   pattern, passes, domain, seed;
  PetscReal  patch_width, margin, cell[2];
  PetscInt   nsessions;
  PetscReal  session_time[MAX_SESSIONS];
  PetscInt   nneedles[MAX_SESSIONS];
  PetscInt   pass_end[MAX_SESSIONS][MAX_PASSES]; /* needles of pass q end before pass_end[q] */
  PetscReal *xy[MAX_SESSIONS];                   /* needle axes per session (all passes) */
  PetscReal  lateral[2];                         /* domain size in x, y [mm] */
  PetscInt   dim;
  /* per-layer coefficients, rates in per day */
  PetscReal v_close[NL], rho_s[NL], bolus_s[NL], vascular[NL], f0[NL];          /* v_close: wall speed [mm/day] */
  PetscReal recoil_frac, recoil_time;                                           /* share of the opening that recoils, its time constant [day] */
  PetscReal occlusion, occlusion_slow, closure_inflammatory, anti_inflammatory; /* occluded time after a session [day], ... */
  PetscReal Dl[NMOVING][NL], chi[NL];
  PetscReal k_s, sigma_n, a_n, k_n, k_mn, k_sw, d_m, k_T1, k_T2, k_T, bolus_T, K_T;
  PetscReal f_max, r_f, delta_f;
  PetscReal delta_c, phi3, alpha_c, q3, kappa, k_mmp, N_ref;
  PetscReal delta_e, alpha_e, k_el;
  PetscReal k_g, r_k, tau_k; /* keratinocyte growth factor decay, epidermal growth [1/day], epidermal renewal [day] */
  PetscReal area0[NL];       /* share of a histological section collagen covers at baseline */
  PetscReal follow_up;
  /* topical delivery (delivery.c) */
  PetscInt  nf, nsolutes; /* fields in all, solutes */
  MNSolute  sol[MAX_SOLUTES];
  PetscInt  napply, napps;                    /* applications per session; in all */
  PetscReal apply[MAX_APPLICATIONS], contact; /* times after each session, contact time [day] */
  PetscReal app_time[MH_MAX_EVENTS];          /* every application [day] */
  PetscInt  nev, ev_session[MH_MAX_EVENTS];   /* events: the session each applies (-1 none) */
  PetscBool ev_apply[MH_MAX_EVENTS];          /* and whether it applies the formulation */
  PetscInt  ex_vivo;                          /* tissue: 0 in vivo, 1 ex vivo (Franz cell: no healing, no blood, a receptor) */
  PetscReal temperature, tissue_share[NL], fibre_fraction[NL], fibre_radius, clearance, capillary_pore, channel_share;
  PetscReal h_top; /* thickness of the top row of cells [mm] */
  /* outcome thresholds and accumulators */
  PetscReal barrier_frac, dye_frac, resolve_frac;
  Tracking  acc;
} Microneedling;

static inline PetscInt Layer(const Microneedling *p, PetscReal z)
{
  PetscInt L = 0;
  while (L < NL - 1 && z >= p->top[L + 1])
    L++;
  return L;
}

/* The channel that session k's needles make (depth = length x penetration fraction). */
static inline MNShape MNSessionShape(const Microneedling *p, PetscInt k)
{
  MNShape s = {p->length[k] * p->penetration, p->r_surface, p->r_tip, p->tip_length};
  return s;
}

/* The resident fibroblasts and matrix of layer L at rest, over normal skin's: 0 in the epidermis,
   the scar's level below it (1 without a scar). A scar spans the modelled dermis and hypodermis
   (the needles fall within it; the hypodermis is an allowance for the channels, not data), so
   that its state is uniform and steady: no fibroblasts cross a jump in their level. */
static inline PetscReal Baseline(const Microneedling *p, PetscInt L)
{
  return dermal[L] ? p->scar_level : 0.0;
}

/* parameter_table.c: every -microneedling_* option with its default, unit, range, status and
   source, in the order MNSetFromOptions reads them (and -help lists them). */
typedef enum { MN_REAL,       /* one real */
  MN_PER_LAYER,               /* NL reals, one per layer */
  MN_PER_SESSION,             /* 1 to MAX_SESSIONS reals; the default: one value for every session */
  MN_INT,                     /* an integer in [range.lo, range.hi] */
  MN_ENUM } MNParamKind;      /* one of choices; the default is an index */
typedef enum { MN_LITERATURE, /* measured values from the works in source */
  MN_CALIBRATED,              /* fitted here to the target in source */
  MN_PRIOR,                   /* a typical modelling value, no single source */
  MN_DERIVED,                 /* follows from other parameters */
  MN_CHOICE } MNStatus;       /* a setting of the protocol, the domain or the outcomes */
/* the framework's names of the statuses (MHModelParamProvenance), in MNStatus order */
static const char *const MNStatusNames[] = {"literature", "calibrated", "prior", "derived", "choice"};
typedef struct {
  const char        *name; /* the option is -microneedling_<name> */
  MNParamKind        kind;
  const char        *unit; /* as recorded in the output (MHModelParamInt: 1, MHModelParamEnum: choice) */
  const char        *help;
  PetscReal          def[NL]; /* the default: def[0], or one per layer (MN_PER_LAYER) */
  PetscReal          alt[NL]; /* the default an earlier option chooses instead (skin body, pattern random) */
  MHRange            range;   /* allowed values (MN_INT: [lo, hi]) */
  const char *const *choices; /* MN_ENUM: the value names, NULL-terminated */
  PetscBool          own;     /* read by its own code in MNSetFromOptions; otherwise by the table's loop */
  size_t             offset;  /* the table's loop: destination in Microneedling */
  PetscReal          scale;   /* the table's loop: stored = value x scale (0: 1), e.g. 24 for a rate read per hour */
  MNStatus           status;
  const char        *source; /* keys of references.bib, or the reason for a prior, choice or derived value */
} MNParam;
enum { MN_P_SKIN,
  MN_P_AGE,
  MN_P_SKIN_GROUP,
  MN_P_SCAR,
  MN_P_SCAR_DEFICIT,
  MN_P_SCAR_EXCESS,
  MN_P_KELOID_SYNTHESIS,
  MN_P_LAYER_THICKNESS,
  MN_P_SESSIONS,
  MN_P_INTERVAL,
  MN_P_SESSION_TIMES,
  MN_P_NEEDLE_LENGTH,
  MN_P_DENSITY,
  MN_P_PENETRATION,
  MN_P_NEEDLE_RADIUS,
  MN_P_NEEDLE_TIP_RADIUS,
  MN_P_NEEDLE_TIP_LENGTH,
  MN_P_PATTERN,
  MN_P_SEED,
  MN_P_PASSES,
  MN_P_DOMAIN,
  MN_P_PATCH_WIDTH,
  MN_P_MARGIN,
  MN_P_RECOIL_FRACTION,
  MN_P_RECOIL_TIME,
  MN_P_CLOSURE_SPEED,
  MN_P_OCCLUSION_HOURS,
  MN_P_OCCLUSION_SLOWDOWN,
  MN_P_CLOSURE_INFLAMMATION,
  MN_P_ANTI_INFLAMMATORY,
  MN_P_SIGNAL_RELEASE,
  MN_P_SIGNAL_BOLUS,
  MN_P_VASCULAR,
  MN_P_SIGNAL_DECAY,
  MN_P_SIGNAL_FROM_NEUTROPHILS,
  MN_P_SIGNAL_DIFFUSIVITY,
  MN_P_NEUTROPHIL_DIFFUSIVITY,
  MN_P_MACROPHAGE_DIFFUSIVITY,
  MN_P_TGFB_DIFFUSIVITY,
  MN_P_FIBROBLAST_DIFFUSIVITY,
  MN_P_NEUTROPHIL_RECRUITMENT,
  MN_P_NEUTROPHIL_DEATH,
  MN_P_MONOCYTE_RECRUITMENT,
  MN_P_MACROPHAGE_SWITCH,
  MN_P_MACROPHAGE_REMOVAL,
  MN_P_TGFB_SECRETION_INFLAMMATORY,
  MN_P_TGFB_SECRETION_REPAIR,
  MN_P_TGFB_DECAY,
  MN_P_TGFB_BOLUS,
  MN_P_TGFB_HALF_SATURATION,
  MN_P_FIBROBLAST_BASELINE,
  MN_P_FIBROBLAST_MAX,
  MN_P_FIBROBLAST_PROLIFERATION,
  MN_P_FIBROBLAST_RETURN,
  MN_P_FIBROBLAST_CHEMOTAXIS,
  MN_P_COLLAGEN_TURNOVER,
  MN_P_COLLAGEN_III_FRACTION,
  MN_P_SCAR_COLLAGEN_III_FRACTION,
  MN_P_COLLAGEN_DEPOSITION,
  MN_P_NEW_COLLAGEN_III_FRACTION,
  MN_P_COLLAGEN_MATURATION,
  MN_P_MMP_DEGRADATION,
  MN_P_LEUKOCYTE_REFERENCE,
  MN_P_ELASTIN_TURNOVER,
  MN_P_ELASTIN_DEPOSITION,
  MN_P_ELASTASE_DEGRADATION,
  MN_P_KGF_DIFFUSIVITY,
  MN_P_KGF_DECAY,
  MN_P_EPIDERMAL_GROWTH,
  MN_P_EPIDERMAL_RENEWAL,
  MN_P_COLLAGEN_AREA,
  MN_P_BARRIER_RECOVERY,
  MN_P_DYE_TIGHT,
  MN_P_INFLAMMATION_RESOLUTION,
  MN_P_FOLLOW_UP,
  MN_P_SOLUTES,
  MN_P_SOLUTE_MW,
  MN_P_SOLUTE_LOGKOW,
  MN_P_SOLUTE_RADIUS,
  MN_P_SOLUTE_CONCENTRATION,
  MN_P_SOLUTE_DOSE,
  MN_P_APPLICATION,
  MN_P_CONTACT,
  MN_P_TISSUE,
  MN_P_TEMPERATURE,
  MN_P_TISSUE_SHARE,
  MN_P_FIBRE_FRACTION,
  MN_P_FIBRE_RADIUS,
  MN_P_CLEARANCE,
  MN_P_CAPILLARY_PORE,
  MN_P_CHANNEL_SHARE,
  MN_NPARAMS };
PETSC_INTERN const MNParam MNParams[MN_NPARAMS];

/* Aged skin (parameters.c): collagen content relative to its peak at 30, C(A) = 1 - k (A - 30)^2
   after 30 (through Sibilla's group means, 73.28 at 25-34 y and 55.3 at 65-74 y, with zero slope
   at the peak), its relative loss per year -C'/C, new-collagen synthesis (Varani 2006: procollagen
   I 82 vs 56 ng/mL from fibroblasts of 18-29 and 80+ year olds, -0.52 %/year) and the dermis's
   thickness (Branchet 1990: -6 % per decade), each 1 (or 0) at 30 and below. */
#define MN_AGE_PEAK 30.0
PETSC_INTERN PetscReal MNAgeCollagen(PetscReal age);
PETSC_INTERN PetscReal MNAgeCollagenLoss(PetscReal age);
PETSC_INTERN PetscReal MNAgeSynthesis(PetscReal age);
PETSC_INTERN PetscReal MNAgeDermis(PetscReal age);
/* Total collagen of untreated skin at time t [day] over its value at t = 0 (parameters.c). */
PETSC_INTERN PetscReal MNUntreatedCollagen(const Microneedling *, PetscReal t);

/* Smallest residual channel radius the closure rate uses [mm]: a channel narrower than a cell
   (~10 um across) closes as one a cell wide. */
#define MN_MIN_CHANNEL_RADIUS 0.005

/* delivery.c */
PETSC_INTERN PetscErrorCode MNSoluteProperties(const Microneedling *, MNSolute *);
PETSC_INTERN void           MNSoluteReaction(const Microneedling *, PetscReal, const PetscReal[3], const PetscScalar[], PetscScalar[]);
PETSC_INTERN void           MNSoluteJacobian(const Microneedling *, PetscReal, const PetscReal[3], const PetscScalar[], PetscScalar[]);
PETSC_INTERN void           MNSoluteCoefficients(const Microneedling *, PetscReal, PetscReal[], PetscReal[], PetscReal[]);
PETSC_INTERN PetscErrorCode MNSoluteFields(MHModel);
PETSC_INTERN PetscErrorCode MNSoluteSetFromOptions(MHModel, PetscOptionItems *, PetscInt);
PETSC_INTERN PetscErrorCode MNEventsSet(MHModel);
PETSC_INTERN PetscErrorCode MNEvent(MHModel, const MHGrid *, PetscInt, PetscReal, Vec);
PETSC_INTERN PetscErrorCode MNSoluteAddOutcomes(MHModel);
PETSC_INTERN PetscErrorCode MNSoluteOutcomes(MHModel, const MHGrid *, PetscReal, Vec, PetscReal[]);
PETSC_INTERN PetscErrorCode MNSoluteDescribe(MHModel);
/* whether the skin's reactions couple field i to field j (microneedling.c) */
PETSC_INTERN PetscBool MNCoupled(PetscInt, PetscInt);

/* kernels.c */
PETSC_INTERN void           MNReaction(const void *, PetscReal, const PetscReal[3], const PetscScalar[], PetscScalar[]);
PETSC_INTERN void           MNReactionJacobian(const void *, PetscReal, const PetscReal[3], const PetscScalar[], PetscScalar[]);
PETSC_INTERN void           MNDiffusivity(const void *, const PetscReal[3], PetscReal[]);
PETSC_INTERN void           MNTaxis(const void *, const PetscReal[3], PetscReal[]);
PETSC_INTERN void           MNCapacity(const void *, const PetscReal[3], PetscReal[]);
PETSC_INTERN void           MNConduit(const void *, const PetscReal[3], PetscReal[]);
PETSC_INTERN PetscErrorCode MNInitial(MHModel, const MHCell *, PetscScalar[]);
/* parameters.c */
PETSC_INTERN PetscErrorCode MNSetFromOptions(MHModel, PetscOptionItems *, MHSetup *);
/* sessions.c */
PETSC_INTERN PetscErrorCode MNNeedlesCreate(Microneedling *);
PETSC_INTERN PetscErrorCode MNSession(MHModel, const MHGrid *, PetscInt, PetscReal, Vec);
PETSC_INTERN PetscErrorCode MNDescribeSetUp(MHModel);
/* outcomes.c */
PETSC_INTERN PetscErrorCode MNAddOutcomes(MHModel);
PETSC_INTERN PetscErrorCode MNOutcomes(MHModel, const MHGrid *, PetscReal, Vec, PetscReal[], PetscBool *);
