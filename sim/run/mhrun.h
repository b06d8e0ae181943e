/* microheal, layer run: the simulation object (MHSim) - time stepping, events, progress, and its
   files: the output series, the XDMF sidecar, checkpoints and restarts. Private to sim/. */
#pragma once

#include "microheal.h"
#include "mhcore.h"
#include "mhio.h"

typedef struct {
  char        path[PETSC_MAX_PATH_LEN];
  char        xdmf_path[PETSC_MAX_PATH_LEN]; /* the XDMF sidecar */
  char        open_path[PETSC_MAX_PATH_LEN]; /* the file written: a hidden temporary name until committed */
  int         open_fd;                       /* rank 0: a descriptor of that file (-1: none) */
  PetscBool   pending;                       /* the file has its temporary name (MHOutputCommit) */
  PetscBool   replacing;                     /* ... and will replace an existing file at path */
  MHLock      lock;                          /* rank 0: on path */
  PetscBool   enabled, overwrite, xdmf;
  PetscInt    count; /* output times after t = 0 */
  PetscBool   log_spacing;
  PetscReal   t_first; /* first nonzero time with logarithmic spacing */
  PetscReal  *times;   /* ntimes output times, t = 0 first */
  PetscInt    ntimes, next;
  PetscViewer viewer;
  hid_t       file;
  hid_t       dset_time, dset_table;
  hid_t       dxpl;          /* collective transfer of the snapshots (-1: not made yet) */
  uint64_t    eoa_disk;      /* rank 0: the end of allocation the superblock on disk records (MHOutputFlushSafely); 0: not read yet */
  PetscInt    nwritten;      /* field snapshots written */
  PetscReal  *written_times; /* their times (rank 0 needs them for the sidecar) */
  PetscInt    cap_times;
  PetscInt    xdmf_steps; /* outputs the sidecar describes */
  PetscInt    nrows;      /* monitor rows written */
  PetscInt    ncols;
  PetscReal  *rows; /* buffered monitor rows (rank 0), flushed at every output */
  PetscInt    nbuf, capbuf;
  Vec         field;                               /* one component, on grid.da1 */
  char        sweep_point[32];                     /* set by a sweep: the point's id */
  char        sweep_files[2 * PETSC_MAX_PATH_LEN]; /* set by a sweep: its file and base file */
} MHOutput;

#define MH_MAX_KEEP 16
/* Exit status of a run stopped early with a checkpoint (a signal, -max_wall_time):
   EX_TEMPFAIL, "try again" - continue it with -restart. */
#define MH_EXIT_CHECKPOINTED 75

typedef struct {
  char           prefix[PETSC_MAX_PATH_LEN]; /* checkpoints are <prefix>-<number>.h5 */
  PetscReal      interval;                   /* simulated time between checkpoints (0: none) */
  PetscReal      wall_interval, max_wall;    /* [s]; 0: none */
  PetscInt       keep;                       /* the last this many are kept */
  PetscInt       number;                     /* of the last one written (or restarted from) */
  PetscReal      next_t;                     /* the next checkpoint at the first step reaching it */
  PetscLogDouble last_wall;
  char           kept[MH_MAX_KEEP][PETSC_MAX_PATH_LEN]; /* written by this run, oldest first */
  PetscInt       nkept;
  char           restart[PETSC_MAX_PATH_LEN]; /* -restart: the checkpoint to continue */
  char           initial[PETSC_MAX_PATH_LEN]; /* -initial_condition_file */
  PetscInt       initial_step;
  const char    *why;     /* set when the run stopped early: "SIGTERM", "-max_wall_time", ... */
  MHLock         lock;    /* rank 0: on the prefix */
  PetscBool      asked;   /* checkpoints are expected (an output, a checkpoint option, -restart): the prefix is checked up front */
  PetscBool      checked; /* ... or was checked before the first checkpoint */
  PetscInt       nstale;  /* checkpoints of an earlier run under the prefix (replaced with -output_overwrite) */
} MHCheckpoint;

struct _p_MHSim {
  MPI_Comm       comm;
  MHDisc         d; /* the discrete problem: model, grid, operators, multigrid */
  MHSetup        setup;
  TS             ts;
  Vec            U;
  Mat            J;
  PetscBool      help, quiet, analytic_jacobian, setup_called, stopped;
  PetscReal      t_end, negative_tol;       /* negative_tol < 0: the step tolerance -ts_atol */
  PetscReal      newton_wtol, newton_wprev; /* Newton's weighted stopping test (solver.c) */
  PetscReal      dt0;                       /* first step, also after every event */
  PetscReal      dt_max;                    /* the largest step the options allow */
  PetscInt       event_next;                /* the model's next event */
  PetscInt       unused_checked;
  MHOutput       out;
  MHCheckpoint   chk;
  PetscBool      restarted;  /* continued from a checkpoint */
  char           run_id[40]; /* random, made by a fresh run; stored in its output and checkpoints */
  int            exit_status;
  PetscReal      outcomes[MH_MAX_OUTCOMES];
  PetscInt       steps_rejected_negative;
  PetscLogDouble wall_start;
  /* progress: in place on a terminal, plain lines in a log */
  PetscBool      rank0, tty;    /* this is rank 0; rank 0's stdout is a terminal */
  PetscBool      progress_open; /* an in-place line is showing */
  PetscReal      progress_interval;
  PetscLogDouble progress_last;
};

PETSC_INTERN PetscErrorCode MHSolverSetUp(MHSim);

PETSC_INTERN PetscErrorCode MHOutputSetFromOptions(MHSim, PetscOptionItems *);
PETSC_INTERN PetscErrorCode MHOutputOpen(MHSim);
PETSC_INTERN PetscErrorCode MHOutputWriteFields(MHSim, PetscReal, Vec);
PETSC_INTERN PetscErrorCode MHOutputAppendRow(MHSim, const PetscReal[]);
PETSC_INTERN PetscErrorCode MHOutputFlush(MHSim);
PETSC_INTERN PetscErrorCode MHOutputStepDone(MHSim);
PETSC_INTERN PetscErrorCode MHOutputClose(MHSim);
PETSC_INTERN PetscErrorCode MHOutputCommit(MHSim, PetscBool);
/* Shared by output.c and output_open.c: the output times from the options and t_end; the outcomes
   (NULL: NaN, not reached yet). */
PETSC_INTERN PetscErrorCode MHOutputTimes(MHSim);
PETSC_INTERN PetscErrorCode MHOutputWriteOutcomes(MHSim, const PetscReal *);
PETSC_INTERN PetscErrorCode MHOutputXDMFPath(const char *, char *, size_t);
PETSC_INTERN PetscErrorCode MHOutputWriteXDMF(MHSim, PetscBool);

PETSC_INTERN PetscErrorCode MHCheckpointSetFromOptions(MHSim, PetscOptionItems *);
PETSC_INTERN PetscErrorCode MHCheckpointLoad(MHSim);
PETSC_INTERN PetscErrorCode MHCheckpointAfterStep(MHSim);
PETSC_INTERN PetscErrorCode MHCheckpointWrite(MHSim);
PETSC_INTERN PetscErrorCode MHCheckpointCheckPaths(MHSim, PetscBool);
PETSC_INTERN PetscErrorCode MHCheckpointRemoveStale(MHSim);
PETSC_INTERN PetscErrorCode MHInitialConditionLoad(MHSim);
PETSC_INTERN PetscErrorCode MHProgressClear(MHSim);
PETSC_INTERN PetscErrorCode MHSimCheckUnused(MHSim, PetscBool);

PETSC_INTERN PetscErrorCode MHMonitorColumns(MHSim, PetscInt *, char ***);
PETSC_INTERN PetscErrorCode MHMonitorCompute(MHSim, PetscReal, PetscReal, Vec, PetscReal[], PetscBool *);
