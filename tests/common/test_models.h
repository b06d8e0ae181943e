/* Test-only models and helpers (tests/common/test_models.c). */
#pragma once
#include "microheal.h"

PetscErrorCode TestModelsRegister(void);
PetscErrorCode TestSimFromString(MPI_Comm, const char[], MHSim *);
PetscErrorCode TestSimDestroy(MHSim *);

#define TEST_CHECK(cond, ...)                                         \
  do {                                                                \
    if (!(cond)) {                                                    \
      PetscCall(PetscPrintf(PETSC_COMM_WORLD, "FAIL: " __VA_ARGS__)); \
      PetscCall(PetscPrintf(PETSC_COMM_WORLD, "\n"));                 \
      failures++;                                                     \
    }                                                                 \
  } while (0)
