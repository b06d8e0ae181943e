/* microheal, layer sys: start-up, the error handler, log events, safe files and locks. Private to
   sim/: nothing here knows a grid, a model or a simulation. */
#pragma once

#include "mhbase.h"

/* What happens before PetscInitialize (options.c): -version taken off argv, options files scanned
   (a missing or malformed one fails with one line), MPI-IO set to ROMIO, whether a launcher started
   the process. Nonzero: an error was printed; end with that status. */
PETSC_INTERN int MHStartUp(int *, char ***);
/* Unknown options (unknown.c): the options files and arguments noted at start-up, and the
   prefixes of options read only when the solvers are set up. */
PETSC_INTERN void        MHOptionsFileNote(const char *, int);
PETSC_INTERN void        MHOptionsArgsNote(int, char **);
PETSC_INTERN PetscBool   MHOptionIsLate(const char *);
PETSC_INTERN const char *MHOptionsTaken(const char *);

PETSC_INTERN PetscLogEvent  MH_EVENT_RHS, MH_EVENT_JAC, MH_EVENT_MG, MH_EVENT_OUTPUT, MH_EVENT_MONITOR;
PETSC_INTERN PetscErrorCode MHLogEventsRegister(void);

/* The error handler's context: a prefix for user-error lines (a sweep point) and the communicator
   whose rank 0 reports errors raised on PETSC_COMM_SELF (MPI_COMM_NULL: MPI_COMM_WORLD's), and
   the last user-error message. */
PETSC_INTERN void        MHErrorContextSet(const char *, MPI_Comm);
PETSC_INTERN const char *MHErrorLast(void);
/* The file being written ("" or NULL: none), named by the error line if a write fails. */
PETSC_INTERN void MHErrorIOSet(const char *);

/* An advisory lock on a file series (files.c). */
typedef struct {
  int  fd; /* -1: not held */
  char path[PETSC_MAX_PATH_LEN];
} MHLock;

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

/* SIGTERM and SIGUSR1 set a flag (signals.c): install (nested: a sweep around its runs), restore,
   the signal received since (0: none). */
PETSC_INTERN PetscErrorCode MHSignalsInstall(void);
PETSC_INTERN PetscErrorCode MHSignalsRestore(void);
PETSC_INTERN int            MHSignalsPending(void);
