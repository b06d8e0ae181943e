/* microheal, layer io: HDF5 helpers (h5.c) - checked calls, attributes, small datasets, growing
   series, probes of a file and of its superblock. Private to sim/; they know nothing of a
   simulation, and take the communicator, file and names they work on. */
#pragma once

#include "mhsys.h"
#include <petscviewerhdf5.h>
#include <stdint.h>
#include <sys/types.h>

PETSC_INTERN PetscErrorCode MHH5Check(MPI_Comm, herr_t, const char *);
PETSC_INTERN PetscErrorCode MHWriteStringAttr(MPI_Comm, hid_t, const char *, const char *);
PETSC_INTERN PetscErrorCode MHWriteRealAttr(MPI_Comm, hid_t, const char *, PetscReal);
PETSC_INTERN PetscErrorCode MHWriteIntAttr(MPI_Comm, hid_t, const char *, long long);
PETSC_INTERN PetscErrorCode MHWriteSmall(MPI_Comm, hid_t, const char *, PetscInt, PetscInt, const PetscReal *, hid_t *);
/* Dimension scales: a 1-D dataset made the coordinate of an axis, attached to a dataset's axes. */
PETSC_INTERN PetscErrorCode MHH5MakeScale(MPI_Comm, hid_t, const char *, const char *);
PETSC_INTERN PetscErrorCode MHH5AttachScale(MPI_Comm, hid_t, hid_t, const char *, PetscInt);
PETSC_INTERN PetscErrorCode MHH5Label(MPI_Comm, hid_t, PetscInt, const char *);
/* Growing series: the access list of a dataset kept open (no chunk cache), creation, appending rows. */
PETSC_INTERN hid_t          MHSeriesAccess(void);
PETSC_INTERN PetscErrorCode MHCreateSeries(MPI_Comm, hid_t, const char *, PetscInt, hid_t *);
PETSC_INTERN PetscErrorCode MHAppendSeries(MPI_Comm, hid_t, PetscInt, PetscInt, PetscInt, const PetscReal *);
/* Whether path is a readable HDF5 file, tried by one rank (why: "" or the reason). */
PETSC_INTERN void MHH5Probe(const char *, char *, size_t);
/* Collective: path (given to option) is a readable HDF5 file (rank 0 opens it alone first). */
PETSC_INTERN PetscErrorCode MHH5CheckReadable(MPI_Comm, const char *, const char *);
/* The file's metadata reaches the disk only at H5Fflush (no evictions between). */
PETSC_INTERN PetscErrorCode MHH5FlushOnlyAtFlush(MPI_Comm, hid_t);
PETSC_INTERN void           MHH5StringAttr(hid_t, const char *, char *, size_t);
PETSC_INTERN int            MHH5Shape(hid_t, const char *, hsize_t[8]);
PETSC_INTERN long           MHH5Rows(hid_t, const char *, long *);
/* The superblock's end-of-allocation field: its offset (0: not a v0/v1 superblock), read, write. */
PETSC_INTERN off_t MHH5EndOfAllocationAt(int);
PETSC_INTERN int   MHH5EndOfAllocationGet(int, off_t, uint64_t *);
PETSC_INTERN int   MHH5EndOfAllocationPut(int, off_t, uint64_t);
/* Collective reads with one-line errors naming what is read (a checkpoint, an initial condition). */
PETSC_INTERN PetscErrorCode MHReadSmall(MPI_Comm, hid_t, const char *, const char *, PetscInt, PetscReal *);
PETSC_INTERN PetscErrorCode MHReadStringAttr(MPI_Comm, hid_t, const char *, const char *, char *, size_t);
PETSC_INTERN PetscErrorCode MHReadRealAttr(PetscViewer, const char *, const char *, PetscReal *);
