/* microheal, layer driver: what the executable does with the options - one run (run.c) or a
   parameter sweep: the sweep file and its points (sweep_file.c), running, resuming, gathering and
   SLURM (sweep.c). Private to sim/. */
#pragma once

#include "mhrun.h"

/* One run (MHRun's work) on comm with the current options; checkpoint: the file to continue from
   when it stopped early (status MH_EXIT_CHECKPOINTED), else "". */
PETSC_INTERN PetscErrorCode MHRunOne(MPI_Comm, int *, char[], size_t);
/* A parameter sweep (-sweep FILE). */
PETSC_INTERN PetscErrorCode MHSweepRun(MPI_Comm, int *);

#define MH_SWEEP_MAX_PARAMS 32
#define MH_SWEEP_MAX_VALUES 1024
#define MH_SWEEP_MAX_FIXED 128
#define MH_SWEEP_MAX_POINTS 1000000
#define MH_SWEEP_VALUE_LEN 64

typedef enum { MH_SWEEP_GRID,
  MH_SWEEP_ZIP,
  MH_SWEEP_RANDOM,
  MH_SWEEP_LHS } MHSweepCombine;
PETSC_INTERN const char *const MHSweepCombines[];

typedef struct {
  char      name[2 * MH_NAME_LEN]; /* the option, without the dash */
  int       line;                  /* in the sweep file */
  PetscInt  nvalues;               /* a list, or a range with count */
  char      values[MH_SWEEP_MAX_VALUES][MH_SWEEP_VALUE_LEN];
  PetscBool range, logscale, integer;
  PetscReal from, to;
  PetscInt  count;
  PetscBool numeric; /* every value at every point is a number (set when the points are checked) */
} MHSweepParam;

typedef struct {
  char name[2 * MH_NAME_LEN];
  char value[PETSC_MAX_PATH_LEN];
  int  line;
} MHSweepOption;

typedef struct {
  char           file[PETSC_MAX_PATH_LEN], folder[PETSC_MAX_PATH_LEN];
  char           name[MH_NAME_LEN];
  char          *text;                     /* the sweep file's text */
  char           base[PETSC_MAX_PATH_LEN]; /* the base options file ("" for none) */
  char          *base_text;
  int            base_line;
  char           outdir[PETSC_MAX_PATH_LEN];
  PetscInt       nfixed;
  MHSweepOption  fixed[MH_SWEEP_MAX_FIXED];
  PetscInt       nparams;
  MHSweepParam   param[MH_SWEEP_MAX_PARAMS];
  MHSweepCombine combine;
  PetscInt       samples, replicates;
  PetscInt64     seed;
  char           seed_option[2 * MH_NAME_LEN];
  int            seed_opt_line;
  PetscInt       noutcomes; /* the outcomes to gather: from the file, or the model's */
  char           outcome[MH_MAX_OUTCOMES][MH_NAME_LEN];
  char           outcome_unit[MH_MAX_OUTCOMES][MH_NAME_LEN];
  int            outcome_line[MH_MAX_OUTCOMES];
  char           model[MH_NAME_LEN];
  PetscInt       npoints;
  char (*value)[MH_SWEEP_VALUE_LEN]; /* value[p * nparams + k]: parameter k at point p */
  PetscInt *strata;                  /* scratch of the Latin hypercube */
  char     *extra;                   /* options from the command line for every run ("-a 1 -b 2") */
} MHSweep;

PETSC_INTERN PetscErrorCode MHSweepRead(MHSweep *, const char *);
PETSC_INTERN PetscErrorCode MHSweepDestroy(MHSweep *);

/* A sweep being run: the file, the communicator, how points map onto ranks, what was asked. */
typedef struct {
  MHSweep  *s;
  MPI_Comm  comm;
  PetscInt  ranks_per_run, index, batch, width;
  PetscBool list, gather, force;
  char      slurm[PETSC_MAX_PATH_LEN], slurm_time[64], slurm_partition[128], slurm_account[128], slurm_launcher[256];
  char      slurm_sbatch[2048], slurm_prelude[PETSC_MAX_PATH_LEN]; /* extra #SBATCH directives (";"-separated), a file of shell lines */
  PetscInt  slurm_batch, slurm_throttle, slurm_grace;
  uint64_t *signature; /* per point: a hash of its options */
} MHSweepCtx;

/* A point's status file. */
typedef struct {
  char      status[16]; /* "" when there is no file */
  uint64_t  signature;
  char      checkpoint[PETSC_MAX_PATH_LEN];
  char      message[1024];
  PetscReal wall;
} MHPointStatus;

/* Helpers of sweep.c shared with sweep_gather.c and sweep_slurm.c. */
PETSC_INTERN void           MHPointId(const MHSweepCtx *, PetscInt, char *, size_t);
PETSC_INTERN void           MHPointPath(const MHSweepCtx *, PetscInt, const char *, char *, size_t);
PETSC_INTERN void           MHStatusRead(const MHSweepCtx *, PetscInt, MHPointStatus *);
PETSC_INTERN PetscInt       MHPointTodo(const MHSweepCtx *, PetscInt, MHPointStatus *);
PETSC_INTERN FILE          *MHOpenTmp(const char *, char *, size_t);
PETSC_INTERN PetscErrorCode MHCloseTmp(FILE *, const char *, const char *);
PETSC_INTERN PetscErrorCode MHStatusWrite(const MHSweepCtx *, PetscInt, const char *, const char *, const char *, PetscReal);
PETSC_INTERN PetscErrorCode MHMakeFolder(MPI_Comm, const char *);
/* The table of every point's values and outcomes (sweep_gather.c), the point list (-sweep_list). */
PETSC_INTERN PetscErrorCode MHSweepGather(MHSweepCtx *, PetscBool, PetscInt[5]);
PETSC_INTERN PetscErrorCode MHSweepListPoints(MHSweepCtx *);
/* The SLURM array script (sweep_slurm.c). */
PETSC_INTERN PetscErrorCode MHSweepSlurm(MHSweepCtx *);
