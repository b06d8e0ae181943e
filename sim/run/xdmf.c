/* The XDMF sidecar: an XML description of the HDF5 time series that ParaView and VisIt open with
   no converter. One rectilinear grid per output time (faces as node coordinates, fields as
   cell-centred attributes read from their row of /fields/<name> by a hyperslab), gathered in a
   temporal collection. Rank 0 rewrites it (to a temporary name renamed when complete) after every
   output up to 256, then when the outputs have grown by a quarter, so it always describes steps
   the HDF5 file holds.

   Axes: every grid is a 3DRectMesh in (x, y, z), z the depth; the axes a 1-D or 2-D run does not
   have (y; y and z) are one cell thick.

   ParaView 5.11 reads it with its "XDMF Reader" (xdmf2; pvpython: XDMFReader); its Xdmf3 readers
   do not read hyperslabs of rectilinear attributes. VisIt's Xdmf plugin reads it too. */
#include "mhrun.h"

/* The sidecar's name: the output's with its .h5/.hdf5 extension replaced by .xmf. */
PetscErrorCode MHOutputXDMFPath(const char *h5, char *xmf, size_t len)
{
  size_t      n   = strlen(h5);
  const char *ext = strrchr(h5, '.');

  PetscFunctionBeginUser;
  if (ext && strchr(ext, '/')) ext = NULL;
  if (ext && (!strcmp(ext, ".h5") || !strcmp(ext, ".hdf5") || !strcmp(ext, ".he5"))) n = (size_t)(ext - h5);
  PetscCheck(n + 5 <= len, PETSC_COMM_SELF, PETSC_ERR_ARG_SIZ, "-output %s: the name is too long", h5);
  PetscCall(PetscStrncpy(xmf, h5, n + 1));
  MHStrlcat(xmf, ".xmf", len);
  PetscFunctionReturn(0);
}

static void MHXDMFDims(FILE *fp, PetscInt n, const PetscInt d[])
{
  for (PetscInt i = 0; i < n; i++)
    fprintf(fp, i ? " %" PetscInt_FMT : "%" PetscInt_FMT, d[i]);
}

/* The whole document for the first nt outputs, to fp. h5: the HDF5 file's name relative to the
   sidecar. Every grid is a 3DRectMesh over (x, y, z), in 1-D and 2-D too, with an axis the run
   does not have one cell thick (a mean x cell wide): ParaView's XDMF Reader gets a 2DRectMesh
   wrong (its announced extent and its data disagree, so filters and the render view see garbage,
   and a 1-D attribute is read as one value). */
static void MHXDMFWrite(FILE *fp, MHSim sim, const char *h5, PetscInt nt, const PetscReal *times)
{
  const MHGrid *g   = &sim->d.grid;
  MHModel       m   = sim->d.model;
  PetscInt      dim = g->dim, axis[3] = {-1, -1, -1}, node[3], cell[3], hdims[3];
  PetscReal     w = g->length[0] / g->n[0];

  /* axis[p]: the DMDA axis holding physical axis p (-1: absent); node, cell: slowest first (z, y, x);
     hdims: a row of /fields/<name>, slowest first */
  for (PetscInt a = 0; a < dim; a++) {
    axis[g->phys[a]] = a;
    hdims[a]         = g->n[dim - 1 - a];
  }
  for (PetscInt p = 0; p < 3; p++) {
    cell[2 - p] = axis[p] < 0 ? 1 : g->n[axis[p]];
    node[2 - p] = cell[2 - p] + 1;
  }
  fprintf(fp, "<?xml version=\"1.0\" ?>\n<!DOCTYPE Xdmf SYSTEM \"Xdmf.dtd\" []>\n");
  fprintf(fp, "<!-- microheal %s: model %s; lengths in %s, times in %s. Fields are cell averages. -->\n", MH_VERSION, m->name, m->length_unit, m->time_unit);
  fprintf(fp, "<Xdmf Version=\"2.0\">\n <Domain>\n  <Grid Name=\"%s\" GridType=\"Collection\" CollectionType=\"Temporal\">\n", m->name);
  for (PetscInt k = 0; k < nt; k++) {
    fprintf(fp, "   <Grid Name=\"step %" PetscInt_FMT "\" GridType=\"Uniform\">\n", k);
    fprintf(fp, "    <Time Value=\"%.17g\"/>\n", (double)times[k]);
    fprintf(fp, "    <Topology TopologyType=\"3DRectMesh\" Dimensions=\"");
    MHXDMFDims(fp, 3, node);
    fprintf(fp, "\"/>\n    <Geometry GeometryType=\"VXVYVZ\">\n");
    for (PetscInt p = 0; p < 3; p++) {
      if (axis[p] < 0)
        fprintf(fp, "     <DataItem Dimensions=\"2\" NumberType=\"Float\" Precision=\"8\" Format=\"XML\">0 %.17g</DataItem>\n", (double)w);
      else
        fprintf(fp, "     <DataItem Dimensions=\"%" PetscInt_FMT "\" NumberType=\"Float\" Precision=\"8\" Format=\"HDF\">%s:/grid/%s_faces</DataItem>\n", node[2 - p], h5, MHAxisNames[p]);
    }
    fprintf(fp, "    </Geometry>\n");
    for (PetscInt f = 0; f < m->nf; f++) {
      fprintf(fp, "    <Attribute Name=\"%s\" AttributeType=\"Scalar\" Center=\"Cell\">\n", m->field_name[f]);
      fprintf(fp, "     <DataItem ItemType=\"HyperSlab\" NumberType=\"Float\" Precision=\"8\" Dimensions=\"");
      MHXDMFDims(fp, 3, cell);
      fprintf(fp, "\" Type=\"HyperSlab\">\n      <DataItem Dimensions=\"3 %" PetscInt_FMT "\" NumberType=\"Int\" Format=\"XML\">%" PetscInt_FMT, dim + 1, k);
      for (PetscInt a = 0; a < dim; a++)
        fprintf(fp, " 0");
      for (PetscInt a = 0; a <= dim; a++)
        fprintf(fp, " 1");
      fprintf(fp, " 1 ");
      MHXDMFDims(fp, dim, hdims);
      fprintf(fp, "</DataItem>\n      <DataItem Dimensions=\"%" PetscInt_FMT " ", nt);
      MHXDMFDims(fp, dim, hdims);
      fprintf(fp, "\" NumberType=\"Float\" Precision=\"8\" Format=\"HDF\">%s:/fields/%s</DataItem>\n     </DataItem>\n    </Attribute>\n", h5, m->field_name[f]);
    }
    fprintf(fp, "   </Grid>\n");
  }
  fprintf(fp, "  </Grid>\n </Domain>\n</Xdmf>\n");
}

/* Rewrites the sidecar for the outputs written so far (collective; rank 0 writes it to a new
   temporary file renamed into place). Each rewrite costs O(outputs), so past 256 outputs it is
   rewritten only when the outputs have grown by a quarter since the last time (O(1) per output
   amortised), unless forced (at the end of the run, and at checkpoints). */
PetscErrorCode MHOutputWriteXDMF(MHSim sim, PetscBool force)
{
  MHOutput   *o                           = &sim->out;
  char        why[2 * PETSC_MAX_PATH_LEN] = "";
  PetscMPIInt rank;

  PetscFunctionBeginUser;
  if (!o->enabled || !o->xdmf || o->pending || o->xdmf_steps == o->nwritten) PetscFunctionReturn(0);
  if (!force && o->nwritten > 256 && 4 * o->nwritten < 5 * o->xdmf_steps) PetscFunctionReturn(0);
  PetscCallMPI(MPI_Comm_rank(sim->comm, &rank));
  if (!rank) {
    char        tmp[PETSC_MAX_PATH_LEN + 32];
    const char *base = strrchr(o->path, '/');
    FILE       *fp   = MHFileCreate(o->xdmf_path, tmp, sizeof tmp, why, sizeof why);
    base             = base ? base + 1 : o->path;
    if (fp) {
      MHXDMFWrite(fp, sim, base, o->nwritten, o->written_times);
      MHFileCommit(fp, tmp, o->xdmf_path, 1, why, sizeof why);
    }
  }
  PetscCallMPI(MPI_Bcast(why, sizeof why, MPI_CHAR, 0, sim->comm));
  PetscCheck(!why[0], sim->comm, PETSC_ERR_FILE_WRITE, "-output %s: cannot write its XDMF sidecar %s (-output_xdmf 0 skips it): %s", o->path, o->xdmf_path, why);
  o->xdmf_steps = o->nwritten;
  PetscFunctionReturn(0);
}
