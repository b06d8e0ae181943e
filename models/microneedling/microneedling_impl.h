/* microneedling: private header shared by the model's files (kernels.c, parameters.c,
   sessions.c, outcomes.c, microneedling.c): the layers, fields and options' names, the model's
   data and the per-layer lookup. Equations in kernels.c and models/microneedling/README.md. */
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
  NF };
static const char *const field_names[NF] = {"damage", "signal", "neutrophils", "macrophages_inflammatory", "macrophages_repair", "tgfb", "fibroblasts", "collagen_III", "collagen_I", "elastin"};
static const char *const field_units[NF] = {"1", "1", "cells/mm^3", "cells/mm^3", "cells/mm^3", "ng/mL", "1", "1", "1", "1"};
/* transported fields and the name of their diffusivity option */
static const PetscInt    moving[]      = {S, N, M1, M2, T, F};
static const char *const moving_name[] = {"signal", "neutrophil", "macrophage", NULL, "tgfb", "fibroblast"}; /* the macrophage phenotypes share one */
#define NMOVING 6

typedef enum { SKIN_FACE,
  SKIN_BODY } Skin;
static const char *const skins[] = {"face", "body", NULL};
typedef enum { DOMAIN_UNIT_CELL,
  DOMAIN_PATCH } Domain;
static const char *const domains[]  = {"unit_cell", "patch", NULL};
static const char *const patterns[] = {"square", "hexagonal", "random", NULL}; /* MNPattern order */

#define MAX_SESSIONS 16
#define MAX_PASSES 64
/* outcomes per session, after the time series */
enum { OUT_BARRIER,
  OUT_INFLAMMATION,
  OUT_SERIES_PER_LAYER };
#define PER_LAYER 5 /* collagen gain, I, III, I fraction, elastin */
/* Each session's outcomes, in the order of their names (outcomes.c) */
enum { SESSION_BARRIER_H,
  SESSION_DYE_TIGHT_H,
  SESSION_PEAK,
  SESSION_PEAK_H,
  SESSION_RESOLUTION_H,
  PER_SESSION };

/* The outcomes' running state: reals only, so that checkpoints save and restore it whole
   (MHModelSetState). */
typedef struct {
  PetscReal current;                                              /* latest session applied (an index), -1 none */
  PetscReal fresh;                                                /* 1: the next outcome call is the first after it */
  PetscReal t_prev, B_prev, V_prev, S_prev, B0, V0, peak, peak_t; /* barrier, open volume, signal */
  PetscReal sess[MAX_SESSIONS][PER_SESSION];
} Tracking;

typedef struct {
  /* skin */
  PetscInt  skin;
  PetscReal thickness[NL], top[NL + 1]; /* layer depths [mm] */
  /* needles and protocol */
  PetscReal  length[MAX_SESSIONS], density[MAX_SESSIONS]; /* mm, per mm^2 */
  PetscReal  penetration, r_surface, r_tip;
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
  PetscReal k_close[NL], rho_s[NL], bolus_s[NL], vascular[NL], f0[NL];
  PetscReal Dl[NMOVING][NL], chi[NL];
  PetscReal k_s, sigma_n, a_n, k_n, k_mn, k_sw, d_m, k_T1, k_T2, k_T, bolus_T, K_T;
  PetscReal f_max, r_f, delta_f;
  PetscReal delta_c, phi3, alpha_c, q3, kappa, k_mmp, N_ref;
  PetscReal delta_e, alpha_e, k_el;
  PetscReal follow_up;
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

static inline PetscReal Baseline(PetscInt L)
{
  return dermal[L] ? 1.0 : 0.0;
}

/* kernels.c */
PETSC_INTERN void           MNReaction(const void *, PetscReal, const PetscReal[3], const PetscScalar[], PetscScalar[]);
PETSC_INTERN void           MNReactionJacobian(const void *, PetscReal, const PetscReal[3], const PetscScalar[], PetscScalar[]);
PETSC_INTERN void           MNDiffusivity(const void *, const PetscReal[3], PetscReal[]);
PETSC_INTERN void           MNTaxis(const void *, const PetscReal[3], PetscReal[]);
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
