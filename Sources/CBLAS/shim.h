// OpenBLAS's CBLAS interface, Debian package libopenblas-dev (pkg-config "openblas" adds the
// openblas-pthread include directory). Only DenseLinearAlgebra imports this module.
#include <cblas.h>

// Not in cblas.h, exported by OpenBLAS's threaded builds (driver/others/blas_server.c): joins the
// worker threads its library constructor starts. A later threaded call starts them again
// (exec_blas calls blas_thread_init when the server is down). Returns 0.
int blas_thread_shutdown_(void);
