/* microheal: the model contract (layer core): the grid a model sees, its set-up, parameters,
   tables and hooks. A model includes this header and no other of microheal. */
#pragma once

#include <petscts.h>
#include <petscdmda.h>
#include "mhbase.h"

/* ---------------------------------------------------------------------------------------------
   Grid: a cell-centred rectilinear grid on a DMDA. Physical axes are x (0), y (1) and z (2, into
   the skin). A 1-D grid spans x, a 2-D grid the x-z cross-section, a 3-D grid x, y and z.
   DMDA axis a holds physical axis grid->phys[a]. */
typedef enum { MH_BC_ZERO_FLUX,
  MH_BC_PERIODIC,
  MH_BC_DIRICHLET } MHBCType;
PETSC_EXTERN const char *const MHBCTypes[];

typedef struct {
  MHBCType  type;
  PetscBool fixed[MH_MAX_FIELDS]; /* dirichlet: fields held at value[]; the others see zero flux */
  PetscReal value[MH_MAX_FIELDS];
} MHBoundary;

typedef struct {
  PetscInt   dim;        /* 1, 2 or 3 */
  PetscInt   nf;         /* fields (DMDA components) */
  PetscInt   phys[3];    /* physical axis of each DMDA axis */
  PetscInt   n[3];       /* cells along each DMDA axis (1 for absent axes) */
  PetscReal  length[3];  /* domain length along each DMDA axis (model length unit) */
  PetscReal  grading[3]; /* width of the last cell over the first, per DMDA axis */
  PetscInt   nbreaks[3]; /* positions held on faces (layer interfaces), per DMDA axis */
  PetscReal  breaks[3][MH_MAX_BREAKS];
  PetscReal *faces[3];       /* n+1 face positions per DMDA axis, held whole on every rank */
  PetscReal *centres[3];     /* n cell centres */
  PetscReal *widths[3];      /* n cell widths */
  MHBoundary bc[3][2];       /* [DMDA axis][min,max] */
  PetscInt   xs[3], xm[3];   /* owned cells: start, count (per DMDA axis) */
  PetscInt   gxs[3], gxm[3]; /* ghosted local array: start, count */
  DM         da;             /* nf components; stencil width 2 when the model has taxis, else 1 */
  DM         daJ;            /* same layout, stencil width 1: the Jacobian's pattern */
  DM         da1;            /* one component: output of single fields */
  DM         dacoef;         /* per-cell coefficients: nf diffusivities, ntaxis sensitivities, nconduit conductances */
} MHGrid;

/* Loop over the cells this rank owns, DMDA indices i, j, k (absent axes run once, at 0). */
#define MH_FOR_OWNED_CELLS(g, i, j, k)                              \
  for (PetscInt k = (g)->xs[2]; k < (g)->xs[2] + (g)->xm[2]; k++)   \
    for (PetscInt j = (g)->xs[1]; j < (g)->xs[1] + (g)->xm[1]; j++) \
      for (PetscInt i = (g)->xs[0]; i < (g)->xs[0] + (g)->xm[0]; i++)
/* The same, also counting the owned cells in n (the local index of cell i, j, k). */
#define MH_FOR_OWNED_CELLS_COUNTED(g, i, j, k, n)                   \
  for (PetscInt k = (g)->xs[2]; k < (g)->xs[2] + (g)->xm[2]; k++)   \
    for (PetscInt j = (g)->xs[1]; j < (g)->xs[1] + (g)->xm[1]; j++) \
      for (PetscInt i = (g)->xs[0]; i < (g)->xs[0] + (g)->xm[0]; i++, (n)++)

/* One cell, as given to initial conditions: centre and bounds in physical (x, y, z);
   absent axes have lo = hi = centre = 0. */
typedef struct {
  PetscInt  dim;
  PetscReal x[3], lo[3], hi[3];
} MHCell;

/* ---------------------------------------------------------------------------------------------
   Set-up defaults a model proposes before the framework reads its own options: grid, boundary
   conditions and time span. Indices are physical axes (x, y, z). Grading: ratio of the last cell's
   width to the first's (1: uniform); breaks: positions that must fall on cell faces (layer
   interfaces), strictly inside (0, length). */
typedef struct {
  PetscInt   dim;
  PetscInt   cells[3];
  PetscReal  length[3];
  PetscReal  grading[3];
  PetscInt   nbreaks[3];
  PetscReal  breaks[3][MH_MAX_BREAKS];
  MHBoundary bc[3][2];
  PetscReal  t_end, dt_initial;
  /* the default multigrid's smoother: PETSC_FALSE Gauss-Seidel (SOR) sweeps, best where diffusion
     across faces dominates and on anisotropic, graded grids; PETSC_TRUE point-block Jacobi, which
     solves each cell's fields together, for kinetics that couple a cell's fields more strongly
     than its diagonal (Gauss-Seidel's pointwise sweeps then diverge, e.g. gray_scott) */
  PetscBool block_smoother;
} MHSetup;

/* ---------------------------------------------------------------------------------------------
   The model contract. A model fills a struct of hooks and names; the framework owns the grid,
   the operators, time stepping and output. Pointwise kernels are pure: no MPI, no allocation. */
typedef struct _p_MHModel *MHModel;

/* out = g(t, x, u); for reactions out has nf entries, for their Jacobians nf*nf (row-major,
   out[i*nf+j] = d f_i / d u_j), for exact solutions nf entries. */
typedef void (*MHPointFn)(const void *ctx, PetscReal t, const PetscReal x[3], const PetscScalar u[], PetscScalar out[]);
/* Coefficients at a point: nf diffusivities, ntaxis sensitivities, nconduit conductances or nf capacities. */
typedef void (*MHCoefFn)(const void *ctx, const PetscReal x[3], PetscReal out[]);

/* A parameter: read from -<model>_<name>, checked against its range, shown by -help and the
   run's parameter table, and stored in the output. The name carries the unit where it has one. */
typedef struct {
  PetscReal lo, hi;
  PetscBool lo_open, hi_open;
} MHRange;
#define MH_POSITIVE ((MHRange) {0, PETSC_MAX_REAL, PETSC_TRUE, PETSC_FALSE})
#define MH_NONNEGATIVE ((MHRange) {0, PETSC_MAX_REAL, PETSC_FALSE, PETSC_FALSE})
#define MH_ANY ((MHRange) {PETSC_MIN_REAL, PETSC_MAX_REAL, PETSC_FALSE, PETSC_FALSE})
#define MH_CLOSED(a, b) ((MHRange) {(a), (b), PETSC_FALSE, PETSC_FALSE})
#define MH_OPEN_CLOSED(a, b) ((MHRange) {(a), (b), PETSC_TRUE, PETSC_FALSE})

#define MH_SOURCE_LEN 256
typedef struct {
  char               name[MH_NAME_LEN], unit[MH_NAME_LEN];
  char               text[MH_NAME_LEN];     /* enumerated parameters: the chosen value's name */
  char               status[16];            /* literature, calibrated, prior, derived or choice ("": not given) */
  char               source[MH_SOURCE_LEN]; /* where the value comes from (keys of references.bib, or why) */
  const char *const *choices;               /* enumerated parameters: every value's name, NULL-terminated */
  PetscReal          value;
} MHParam;

/* A table a model describes its set-up with (layer boundaries, needle axes, the treatment
   protocol), written to /model/<name> of the output: nrows x ncols reals, row-major, with
   comma-separated column names, column units and (optional) row labels. */
typedef struct {
  char       name[MH_NAME_LEN];
  char      *description, *columns, *units, *rows;
  PetscInt   nrows, ncols;
  PetscReal *data;
} MHTable;

typedef struct {
  /* read -<model>_* options through MHModelParam*; propose a set-up (grid, time span) */
  PetscErrorCode (*setfromoptions)(MHModel, PetscOptionItems *, MHSetup *);
  PetscErrorCode (*view)(MHModel, PetscViewer);     /* optional: more than the parameter table */
  PetscErrorCode (*setup)(MHModel, const MHGrid *); /* optional: once the grid is final (sizes, dim) */
  PetscErrorCode (*initial)(MHModel, const MHCell *, PetscScalar u[]);
  MHPointFn reaction;
  MHPointFn reaction_jacobian; /* optional: finite-difference colouring without it */
  MHCoefFn  diffusivity;       /* optional: no diffusion without it */
  MHCoefFn  taxis;             /* sensitivities, one per taxis pair */
  MHPointFn exact;             /* optional exact solution u(t, x) */
  /* optional: nf per-cell capacities (finite, > 0; 1 without it). With it, field u_f carries the
     conserved amount capacity_f u_f: its diffusivity and the taxis sensitivities of pairs moving it
     are those of that amount (the model returns D capacity, chi capacity; faces take their cells'
     harmonic means as always), and its transport in each cell is divided by the cell's capacity:
     capacity du/dt = div(D capacity grad u) - div(chi capacity u grad c) + capacity R. A uniform
     u is then steady across a jump in capacity, and sum capacity u volume is conserved. */
  MHCoefFn capacity;
  /* optional: nconduit conductances (>= 0) at a point, one per conduit (MHModelAddConduit). A conduit
     is a second path by which a field diffuses, open in the share g of each cell that another field
     (its gate, e.g. a channel's open volume fraction) gives: through a face the flux in +axis is
     T (u_L - u_R) with T the series (harmonic) combination of the two half cells' open conductances
     kappa max(g, 0), as a diffusivity's transmissibility is made, so nothing passes where either
     cell is closed. With capacities, kappa is that of the amount (like D). Domain faces: no flux. */
  MHCoefFn conduit;
  /* optional scalar outcomes at time t (collective); may ask the run to stop */
  PetscErrorCode (*outcomes)(MHModel, const MHGrid *, PetscReal t, Vec U, PetscReal out[], PetscBool *stop);
  PetscErrorCode (*destroy)(MHModel); /* optional: without it, PetscFree(data) */
  /* optional: event k at time event_time[k] (a treatment session) changes the state U in place
     (collective); the integrator restarts after it */
  PetscErrorCode (*event)(MHModel, const MHGrid *, PetscInt, PetscReal, Vec);
} MHModelOps;

struct _p_MHModel {
  char       name[MH_NAME_LEN];
  MPI_Comm   comm;
  PetscInt   nf;
  char       field_name[MH_MAX_FIELDS][MH_NAME_LEN];
  char       field_unit[MH_MAX_FIELDS][MH_NAME_LEN];
  PetscBool  nonnegative[MH_MAX_FIELDS];             /* densities: a step making them negative is rejected */
  PetscBool  coupling[MH_MAX_FIELDS][MH_MAX_FIELDS]; /* reaction Jacobian pattern (default dense) */
  char       length_unit[MH_NAME_LEN], time_unit[MH_NAME_LEN];
  PetscInt   ntaxis;
  PetscInt   taxis_field[MH_MAX_TAXIS], taxis_attractant[MH_MAX_TAXIS];
  PetscInt   nconduit;
  PetscInt   conduit_field[MH_MAX_TAXIS], conduit_gate[MH_MAX_TAXIS];
  PetscInt   noutcomes;
  char       outcome_name[MH_MAX_OUTCOMES][MH_NAME_LEN];
  char       outcome_unit[MH_MAX_OUTCOMES][MH_NAME_LEN];
  PetscInt   nparams;
  MHParam    param[MH_MAX_PARAMS];
  char       next_status[16], next_source[MH_SOURCE_LEN]; /* MHModelParamProvenance: for the next parameter */
  PetscInt   nevents;
  PetscReal  event_time[MH_MAX_EVENTS]; /* increasing; set through MHModelSetEvents */
  PetscInt   ntables;
  MHTable    table[MH_MAX_TABLES]; /* set through MHModelAddTable */
  PetscInt   nstate;
  PetscReal *state; /* the model's running state (outcome accumulators), saved in checkpoints */
  MHModelOps ops;
  void      *data;
};

typedef PetscErrorCode (*MHModelCreateFn)(MHModel);

PETSC_EXTERN PetscErrorCode MHModelRegister(const char[], MHModelCreateFn);
PETSC_EXTERN PetscErrorCode MHModelRegisterAll(void);
PETSC_EXTERN PetscErrorCode MHModelList(MPI_Comm, FILE *);
PETSC_EXTERN PetscErrorCode MHModelGetNames(PetscInt *, const char ***);
PETSC_EXTERN PetscErrorCode MHModelCreate(MPI_Comm, const char[], MHModel *);
PETSC_EXTERN PetscErrorCode MHModelDestroy(MHModel *);
PETSC_EXTERN PetscErrorCode MHModelSetFields(MHModel, PetscInt, const char *const[], const char *const[]);
PETSC_EXTERN PetscErrorCode MHModelSetUnits(MHModel, const char[], const char[]);
PETSC_EXTERN PetscErrorCode MHModelAddTaxis(MHModel, PetscInt, PetscInt);
/* Field `field` also diffuses through a conduit whose open share is field `gate` (MHModelOps.conduit). */
PETSC_EXTERN PetscErrorCode MHModelAddConduit(MHModel, PetscInt, PetscInt);
/* Per-cell coefficients the grid holds: nf diffusivities, the taxis sensitivities and conduit conductances. */
static inline PetscInt MHModelCoefficients(MHModel m)
{
  return m->nf + m->ntaxis + m->nconduit;
}
PETSC_EXTERN PetscErrorCode MHModelAddOutcome(MHModel, const char[], const char[]);
/* A hint for a value that looks given in the wrong unit (a length of 1500 mm meant as 1.5), or "". */
PETSC_EXTERN const char *MHUnitHint(const char[], PetscReal, char[], size_t);
/* The status (literature, calibrated, prior, derived or choice) and source of the parameter the
   next MHModelParam* call reads: shown in its -help line, in the parameter table and written to
   /parameters (attribute "status"). */
PETSC_EXTERN PetscErrorCode MHModelParamProvenance(MHModel, const char[], const char[]);
PETSC_EXTERN PetscErrorCode MHModelParamReal(MHModel, PetscOptionItems *, const char[], const char[], const char[], PetscReal, MHRange, PetscReal *);
PETSC_EXTERN PetscErrorCode MHModelParamRealArray(MHModel, PetscOptionItems *, const char[], const char[], const char[], PetscInt, const char *const[], const PetscReal[], MHRange, PetscInt *, PetscReal[]);
PETSC_EXTERN PetscErrorCode MHModelSetEvents(MHModel, PetscInt, const PetscReal[]);
/* Adds a table describing the set-up (copied; call from the setup hook): name, description,
   columns and units (comma-separated, ncols entries each), row labels (comma-separated, nrows
   entries) or NULL, and nrows x ncols values, row-major. */
PETSC_EXTERN PetscErrorCode MHModelAddTable(MHModel, const char[], const char[], const char[], const char[], const char[], PetscInt, PetscInt, const PetscReal[]);
/* Declares n reals at state (in the model's data, the same on every rank) as the model's running
   state: whatever its outcomes accumulate over time. Checkpoints save it and restarts restore it. */
PETSC_EXTERN PetscErrorCode MHModelSetState(MHModel, PetscInt, PetscReal *);
PETSC_EXTERN PetscErrorCode MHModelParamInt(MHModel, PetscOptionItems *, const char[], const char[], PetscInt, PetscInt, PetscInt, PetscInt *);
PETSC_EXTERN PetscErrorCode MHModelParamEnum(MHModel, PetscOptionItems *, const char[], const char[], const char *const[], PetscInt, PetscInt *);
/* A list of at most nmax names (lower-case letters, digits and _, each once) from -<model>_<name>
   into names[], their count into n (0 when the option is absent); recorded as <name>.1, .2, ... */
PETSC_EXTERN PetscErrorCode MHModelParamNames(MHModel, PetscOptionItems *, const char[], const char[], PetscInt, PetscInt *, char[][MH_NAME_LEN]);
PETSC_EXTERN PetscErrorCode MHModelView(MHModel, PetscViewer);
PETSC_EXTERN void           MHModelReactionJacobianFD(MHModel, PetscReal, const PetscReal[], const PetscScalar[], PetscScalar[]);

/* Grid helpers for models' outcomes. */
PETSC_EXTERN PetscErrorCode MHGridIntegrate(const MHGrid *, Vec, PetscReal[]);
PETSC_EXTERN PetscErrorCode MHGridValueNearest(const MHGrid *, Vec, const PetscReal[3], PetscReal[]);
PETSC_EXTERN PetscReal      MHGridCellVolume(const MHGrid *, const PetscInt[3]);
PETSC_EXTERN PetscReal      MHGridTotalVolume(const MHGrid *);
/* The cell with DMDA indices idx: centre and bounds in physical coordinates. */
PETSC_EXTERN void MHGridCellOf(const MHGrid *, const PetscInt[3], MHCell *);
/* Faces of a graded axis (length, cells, grading, breaks) into faces[n+1]. */
PETSC_EXTERN PetscErrorCode MHGridFaces(PetscReal, PetscInt, PetscReal, PetscInt, const PetscReal[], PetscReal[]);
