/* microheal: framework internals shared by the files of sim/. Models never include this. */
#pragma once

#include "microheal.h"
#include <petscviewerhdf5.h>

/* An advisory lock on a file series (files.c). */
typedef struct {
  int  fd; /* -1: not held */
  char path[PETSC_MAX_PATH_LEN];
} MHLock;

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

typedef struct _n_MHFaces     MHFaces;     /* face coefficients of the operators (operators.c) */
typedef struct _n_MHHierarchy MHHierarchy; /* the multigrid levels (multigrid.c) */

struct _p_MHSim {
  MPI_Comm       comm;
  MHModel        model;
  MHSetup        setup;
  MHGrid         grid;
  TS             ts;
  Vec            U, Ulocal, coef; /* coef: local (ghosted) per-cell coefficients on grid.dacoef */
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
  PetscBool      dfill[MH_MAX_FIELDS * MH_MAX_FIELDS], ofill[MH_MAX_FIELDS * MH_MAX_FIELDS];
  PetscLogDouble wall_start;
  /* progress: in place on a terminal, plain lines in a log */
  PetscBool      rank0, tty;    /* this is rank 0; rank 0's stdout is a terminal */
  PetscBool      progress_open; /* an in-place line is showing */
  PetscReal      progress_interval;
  PetscLogDouble progress_last;
  MHFaces       *faces; /* owned by coef (composed on it) */
  MHHierarchy   *mg;    /* the default preconditioner's levels in 2-D and 3-D; NULL otherwise */
};

PETSC_INTERN PetscLogEvent  MH_EVENT_RHS, MH_EVENT_JAC, MH_EVENT_MG, MH_EVENT_OUTPUT, MH_EVENT_MONITOR;
PETSC_INTERN PetscErrorCode MHLogEventsRegister(void);

PETSC_INTERN PetscErrorCode MHSetupDefaults(MHSetup *);
PETSC_INTERN PetscErrorCode MHGridSetFromOptions(PetscOptionItems *, MHGrid *, MHModel, MHSetup *);
PETSC_INTERN PetscErrorCode MHGridCreate(MPI_Comm, MHGrid *, MHModel);
PETSC_INTERN PetscErrorCode MHGridDestroy(MHGrid *);
PETSC_INTERN PetscErrorCode MHGridFillCoefficients(const MHGrid *, MHModel, Vec);

PETSC_INTERN PetscErrorCode MHOperatorsSetUp(MHSim);
PETSC_INTERN PetscErrorCode MHOperatorsRHS(MHSim, PetscReal, Vec, Vec);
PETSC_INTERN PetscErrorCode MHOperatorsStorage(MHSim, PetscInt *, PetscBool *);
PETSC_INTERN PetscErrorCode MHOperatorsJacobianPattern(MHSim, Mat);
PETSC_INTERN PetscErrorCode MHOperatorsJacobian(MHSim, PetscReal, Vec, PetscReal, PetscReal, Mat);
PETSC_INTERN PetscErrorCode MHSolverSetUp(MHSim);
/* Multigrid on the grid's hierarchy (multigrid.c): the hierarchy (at most so many levels), PCMG on
   it, the coarse operators from the fine one, a line naming the solver for the run's header. */
PETSC_INTERN PetscErrorCode MHMultigridCreate(MHSim, PetscInt, MHHierarchy **);
PETSC_INTERN PetscErrorCode MHMultigridSetPC(MHHierarchy *, PC);
PETSC_INTERN PetscErrorCode MHMultigridUpdate(MHHierarchy *, Mat);
PETSC_INTERN PetscErrorCode MHSolverDescribe(MHSim, char[], size_t);
PETSC_INTERN PetscErrorCode MHMultigridDestroy(MHHierarchy **);

PETSC_INTERN PetscErrorCode MHOutputSetFromOptions(MHSim, PetscOptionItems *);
PETSC_INTERN PetscErrorCode MHOutputOpen(MHSim);
PETSC_INTERN PetscErrorCode MHOutputWriteFields(MHSim, PetscReal, Vec);
PETSC_INTERN PetscErrorCode MHOutputAppendRow(MHSim, const PetscReal[]);
PETSC_INTERN PetscErrorCode MHOutputFlush(MHSim);
PETSC_INTERN PetscErrorCode MHOutputStepDone(MHSim);
PETSC_INTERN PetscErrorCode MHOutputClose(MHSim);
PETSC_INTERN PetscErrorCode MHOutputCommit(MHSim, PetscBool);
PETSC_INTERN PetscErrorCode MHH5Check(MPI_Comm, herr_t, const char *);
PETSC_INTERN PetscErrorCode MHWriteStringAttr(MPI_Comm, hid_t, const char *, const char *);
PETSC_INTERN PetscErrorCode MHWriteRealAttr(MPI_Comm, hid_t, const char *, PetscReal);
PETSC_INTERN PetscErrorCode MHWriteSmall(MPI_Comm, hid_t, const char *, PetscInt, PetscInt, const PetscReal *, hid_t *);
PETSC_INTERN PetscErrorCode MHOutputXDMFPath(const char *, char *, size_t);
PETSC_INTERN PetscErrorCode MHOutputWriteXDMF(MHSim, PetscBool);

PETSC_INTERN PetscErrorCode MHCheckpointSetFromOptions(MHSim, PetscOptionItems *);
PETSC_INTERN PetscErrorCode MHCheckpointLoad(MHSim);
PETSC_INTERN PetscErrorCode MHCheckpointAfterStep(MHSim);
PETSC_INTERN PetscErrorCode MHCheckpointWrite(MHSim);
PETSC_INTERN PetscErrorCode MHCheckpointCheckPaths(MHSim, PetscBool);
PETSC_INTERN PetscErrorCode MHCheckpointRemoveStale(MHSim);
PETSC_INTERN PetscErrorCode MHSignalsInstall(void);
PETSC_INTERN PetscErrorCode MHSignalsRestore(void);
PETSC_INTERN int            MHSignalsPending(void);
PETSC_INTERN PetscErrorCode MHInitialConditionLoad(MHSim);
/* Safe files and locks (files.c): rank-local, no MPI; nonzero return with the reason in why. */
PETSC_INTERN int         MHMakeParentFolders(const char *, char *, size_t);
PETSC_INTERN void        MHPathSplit(const char *, char *, size_t, char *, size_t);
PETSC_INTERN int         MHPathExists(const char *);
PETSC_INTERN const char *MHPathKind(const char *);
PETSC_INTERN int         MHFileTemp(const char *, char *, size_t, char *, size_t);
PETSC_INTERN int         MHFileIsStill(int, const char *);
PETSC_INTERN int         MHFilePlace(const char *, const char *, int, char *, size_t);
PETSC_INTERN FILE       *MHFileCreate(const char *, char *, size_t, char *, size_t);
PETSC_INTERN int         MHFileCommit(FILE *, const char *, const char *, int, char *, size_t);
PETSC_INTERN double      MHFreeBytes(const char *);
PETSC_INTERN void        MHBytesText(double, char *, size_t);
PETSC_INTERN int         MHLockTake(const char *, MHLock *, char *, size_t);
PETSC_INTERN void        MHLockRelease(MHLock *);
PETSC_INTERN int         MHRemoveOrphans(const char *, const char *, const char *);
/* Collective: fails with one line unless rank 0 found why empty. */
PETSC_INTERN PetscErrorCode MHCheckWhy(MPI_Comm, PetscErrorCode, const char *, const char *, char *, size_t);
/* Collective: path (given to option) is a readable HDF5 file (rank 0 opens it alone first). */
PETSC_INTERN PetscErrorCode MHH5CheckReadable(MPI_Comm, const char *, const char *);
PETSC_INTERN int            MHH5Shape(hid_t, const char *, hsize_t[8]);
PETSC_INTERN PetscErrorCode MHProgressClear(MHSim);
/* One run (MHRun's work) on comm with the current options; checkpoint: the file to continue from
   when it stopped early (status MH_EXIT_CHECKPOINTED), else "". */
PETSC_INTERN PetscErrorCode MHRunOne(MPI_Comm, int *, char[], size_t);
/* A parameter sweep (-sweep FILE): sim/sweep.c. */
PETSC_INTERN PetscErrorCode MHSweepRun(MPI_Comm, int *);
/* The error handler's context: a prefix for user-error lines (a sweep point) and the communicator
   whose rank 0 reports errors raised on PETSC_COMM_SELF (MPI_COMM_NULL: MPI_COMM_WORLD's), and
   the last user-error message. */
PETSC_INTERN void        MHErrorContextSet(const char *, MPI_Comm);
PETSC_INTERN const char *MHErrorLast(void);
/* The file being written ("" or NULL: none), named by the error line if a write fails. */
PETSC_INTERN void MHErrorIOSet(const char *);

PETSC_INTERN PetscErrorCode MHMonitorColumns(MHSim, PetscInt *, char ***);
PETSC_INTERN PetscErrorCode MHMonitorCompute(MHSim, PetscReal, PetscReal, Vec, PetscReal[], PetscBool *);
