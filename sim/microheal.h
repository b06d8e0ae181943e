/* microheal: the public interface of the framework and the model contract. */
#pragma once

#include <petscts.h>
#include <petscdmda.h>

#define MH_MAX_FIELDS 32
#define MH_MAX_TAXIS 16
#define MH_MAX_OUTCOMES 128
#define MH_NAME_LEN 64
#define MH_MAX_PARAMS 256
#define MH_MAX_BREAKS 16
#define MH_MAX_EVENTS 64
#define MH_MAX_TABLES 16

extern const char MH_VERSION[];

/* Appends t to the string s held in n bytes, truncating to fit. (PETSc 3.18's PetscStrlcat()
   appends at most n - strlen(t) characters, which truncates silently when s is nearly full.) */
static inline void MHStrlcat(char s[], const char t[], size_t n)
{
  size_t len = strlen(s), m = strlen(t);
  if (len + 1 >= n) return;
  if (m > n - len - 1) m = n - len - 1;
  memcpy(s + len, t, m);
  s[len + m] = 0;
}
extern const char MH_GIT_REVISION[];

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
  DM         dacoef;         /* per-cell coefficients: nf diffusivities then ntaxis sensitivities */
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
/* Coefficients at a point: nf diffusivities, or ntaxis sensitivities. */
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

typedef struct {
  char               name[MH_NAME_LEN], unit[MH_NAME_LEN];
  char               text[MH_NAME_LEN]; /* enumerated parameters: the chosen value's name */
  const char *const *choices;           /* enumerated parameters: every value's name, NULL-terminated */
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
  PetscInt   noutcomes;
  char       outcome_name[MH_MAX_OUTCOMES][MH_NAME_LEN];
  char       outcome_unit[MH_MAX_OUTCOMES][MH_NAME_LEN];
  PetscInt   nparams;
  MHParam    param[MH_MAX_PARAMS];
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
PETSC_EXTERN PetscErrorCode MHModelAddOutcome(MHModel, const char[], const char[]);
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

/* ---------------------------------------------------------------------------------------------
   The simulation: a model on a grid, integrated by a TS, written to HDF5. */
typedef struct _p_MHSim *MHSim;

PETSC_EXTERN PetscErrorCode MHInitialize(int *, char ***, const char[]);
PETSC_EXTERN PetscErrorCode MHSimCreate(MPI_Comm, MHSim *);
PETSC_EXTERN PetscErrorCode MHSimSetFromOptions(MHSim);
PETSC_EXTERN PetscErrorCode MHSimSetUp(MHSim);
PETSC_EXTERN PetscErrorCode MHSimSolve(MHSim);
PETSC_EXTERN PetscErrorCode MHSimDestroy(MHSim *);
PETSC_EXTERN PetscErrorCode MHSimGetModel(MHSim, MHModel *);
PETSC_EXTERN PetscErrorCode MHSimGetGrid(MHSim, const MHGrid **);
PETSC_EXTERN PetscErrorCode MHSimGetSolution(MHSim, Vec *);
PETSC_EXTERN PetscErrorCode MHSimGetTS(MHSim, TS *);
PETSC_EXTERN PetscErrorCode MHSimHelpRequested(MHSim, PetscBool *);
PETSC_EXTERN PetscErrorCode MHSimGetOutcomes(MHSim, PetscInt *, const PetscReal **);
/* The semi-discrete right-hand side du/dt = R(t, u) and its Jacobian dR/du. */
PETSC_EXTERN PetscErrorCode MHSimComputeRHS(MHSim, PetscReal, Vec, Vec);
PETSC_EXTERN PetscErrorCode MHSimComputeRHSJacobian(MHSim, PetscReal, Vec, Mat);
PETSC_EXTERN PetscErrorCode MHSimCreateJacobianMatrix(MHSim, Mat *);
/* Errors against the model's exact solution at time t: per field, the volume-weighted L2 and max norms. */
PETSC_EXTERN PetscErrorCode MHSimErrorNorms(MHSim, PetscReal, Vec, PetscReal[], PetscReal[]);

/* Options: fail on options nothing read, naming them. */
PETSC_EXTERN PetscErrorCode MHOptionsCheckUnused(MPI_Comm);
PETSC_EXTERN PetscErrorCode MHPrintVersion(MPI_Comm);
PETSC_EXTERN PetscBool      MHVersionAsked(void);
PETSC_EXTERN PetscBool      MHUnderLauncher(void);
PETSC_EXTERN PetscErrorCode MHPushErrorHandler(char **);
/* Whether an HDF5 write failed (a full disk): the open files cannot be closed cleanly then. */
PETSC_EXTERN int            MHErrorIOFailed(void);
PETSC_EXTERN PetscErrorCode MHOptionsCheckChoice(MPI_Comm, const char[], const char *const[], PetscInt);
/* The whole run of the microheal executable (after MHInitialize), collective. status: the exit
   status to end with (0, or 75 when the run stopped early with a checkpoint to continue from). */
PETSC_EXTERN PetscErrorCode MHRun(MPI_Comm, int *);
