/* microheal: the base every other header rests on (layer sys): limits, string helpers, version,
   start-up checks and the error handler. */
#pragma once

#include <petscsys.h>
#include <string.h>

#define MH_MAX_FIELDS 64
#define MH_MAX_TAXIS 16
#define MH_MAX_OUTCOMES 512
#define MH_NAME_LEN 64
#define MH_MAX_PARAMS 256
#define MH_MAX_BREAKS 16
#define MH_MAX_EVENTS 64
#define MH_MAX_TABLES 16

/* The version and the git revision it was built from (version.c, made by the build). */
extern const char MH_VERSION[];
extern const char MH_GIT_REVISION[];

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

/* Start-up and options (sys/options.c) */
/* Options: fail on options nothing read, naming them, where they were given and the nearest of
   the known names; early: before the solvers are set up, so their options are not checked yet. */
PETSC_EXTERN PetscErrorCode MHOptionsCheckUnused(MPI_Comm, PetscBool, PetscInt, const char *const[]);
PETSC_EXTERN PetscErrorCode MHPrintVersion(MPI_Comm);
PETSC_EXTERN PetscBool      MHVersionAsked(void);
PETSC_EXTERN PetscBool      MHHelpAsked(void);
PETSC_EXTERN PetscBool      MHUnderLauncher(void);
PETSC_EXTERN PetscErrorCode MHPushErrorHandler(char **);
/* Whether an HDF5 write failed (a full disk): the open files cannot be closed cleanly then. */
PETSC_EXTERN int            MHErrorIOFailed(void);
PETSC_EXTERN PetscErrorCode MHOptionsCheckChoice(MPI_Comm, const char[], const char *const[], PetscInt);
