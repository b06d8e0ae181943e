/* microheal: framework internals shared by the files of sim/. Models never include this. */
#pragma once

#include "microheal.h"
#include <petscviewerhdf5.h>

typedef struct {
  char        path[PETSC_MAX_PATH_LEN];
  char        xdmf_path[PETSC_MAX_PATH_LEN]; /* the XDMF sidecar */
  PetscBool   enabled, overwrite, xdmf;
  PetscInt    count; /* output times after t = 0 */
  PetscBool   log_spacing;
  PetscReal   t_first; /* first nonzero time with logarithmic spacing */
  PetscReal  *times;   /* ntimes output times, t = 0 first */
  PetscInt    ntimes, next;
  PetscViewer viewer;
  hid_t       file;
  hid_t       dset_time, dset_table;
  PetscInt    nwritten;      /* field snapshots written */
  PetscReal  *written_times; /* their times (rank 0 needs them for the sidecar) */
  PetscInt    cap_times;
  PetscInt    xdmf_steps; /* outputs the sidecar describes */
  PetscInt    nrows;      /* monitor rows written */
  PetscInt    ncols;
  PetscReal  *rows; /* buffered monitor rows (rank 0), flushed at every output */
  PetscInt    nbuf, capbuf;
  Vec         field; /* one component, on grid.da1 */
} MHOutput;

struct _p_MHSim {
  MPI_Comm       comm;
  MHModel        model;
  MHSetup        setup;
  MHGrid         grid;
  TS             ts;
  Vec            U, Ulocal, coef; /* coef: local (ghosted) per-cell coefficients on grid.dacoef */
  Mat            J;
  PetscBool      help, quiet, analytic_jacobian, setup_called, stopped;
  PetscReal      t_end, negative_tol;
  PetscReal      dt0;        /* first step, also after every event */
  PetscInt       event_next; /* the model's next event */
  PetscInt       unused_checked;
  MHOutput       out;
  PetscReal      outcomes[MH_MAX_OUTCOMES];
  PetscInt       steps_rejected_negative;
  PetscBool      dfill[MH_MAX_FIELDS * MH_MAX_FIELDS], ofill[MH_MAX_FIELDS * MH_MAX_FIELDS];
  PetscLogDouble wall_start;
  /* progress: in place on a terminal, plain lines in a log */
  PetscBool      rank0, tty;    /* this is rank 0; rank 0's stdout is a terminal */
  PetscBool      progress_open; /* an in-place line is showing */
  PetscReal      progress_interval;
  PetscLogDouble progress_last;
};

PETSC_INTERN PetscLogEvent  MH_EVENT_RHS, MH_EVENT_JAC, MH_EVENT_OUTPUT, MH_EVENT_MONITOR;
PETSC_INTERN PetscErrorCode MHLogEventsRegister(void);

PETSC_INTERN PetscErrorCode MHSetupDefaults(MHSetup *);
PETSC_INTERN PetscErrorCode MHGridSetFromOptions(PetscOptionItems *, MHGrid *, MHModel, MHSetup *);
PETSC_INTERN PetscErrorCode MHGridCreate(MPI_Comm, MHGrid *, MHModel);
PETSC_INTERN PetscErrorCode MHGridDestroy(MHGrid *);
PETSC_INTERN PetscErrorCode MHGridFillCoefficients(const MHGrid *, MHModel, Vec);

PETSC_INTERN PetscErrorCode MHOperatorsRHS(MHSim, PetscReal, Vec, Vec);
PETSC_INTERN PetscErrorCode MHOperatorsJacobian(MHSim, PetscReal, Vec, PetscReal, PetscReal, Mat);
PETSC_INTERN PetscErrorCode MHSolverSetUp(MHSim);

PETSC_INTERN PetscErrorCode MHOutputSetFromOptions(MHSim, PetscOptionItems *);
PETSC_INTERN PetscErrorCode MHOutputOpen(MHSim);
PETSC_INTERN PetscErrorCode MHOutputWriteFields(MHSim, PetscReal, Vec);
PETSC_INTERN PetscErrorCode MHOutputAppendRow(MHSim, const PetscReal[]);
PETSC_INTERN PetscErrorCode MHOutputFlush(MHSim);
PETSC_INTERN PetscErrorCode MHOutputClose(MHSim);
PETSC_INTERN PetscErrorCode MHOutputXDMFPath(const char *, char *, size_t);
PETSC_INTERN PetscErrorCode MHOutputWriteXDMF(MHSim, PetscBool);

PETSC_INTERN PetscErrorCode MHMonitorColumns(MHSim, PetscInt *, char ***);
PETSC_INTERN PetscErrorCode MHMonitorCompute(MHSim, PetscReal, PetscReal, Vec, PetscReal[], PetscBool *);
