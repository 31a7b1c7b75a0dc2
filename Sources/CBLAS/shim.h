// OpenBLAS's CBLAS interface, Debian package libopenblas-dev (pkg-config "openblas" adds the
// openblas-pthread include directory). Only DenseLinearAlgebra imports this module.
#include <cblas.h>

// Not in cblas.h, exported by OpenBLAS's threaded builds (driver/others/blas_server.c): joins the
// worker threads its library constructor starts. A later threaded call starts them again
// (exec_blas calls blas_thread_init when the server is down). Returns 0. Declared weak: a serial
// OpenBLAS (Debian's libopenblas0-serial alternative) has no such function and no workers.
int blas_thread_shutdown_(void) __attribute__((weak));

// Stops OpenBLAS's idle worker threads if this OpenBLAS has any (see above).
static inline void CBLAS_stopIdleWorkers(void) {
  if (blas_thread_shutdown_) blas_thread_shutdown_();
}
