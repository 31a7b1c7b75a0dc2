public import FailureReporting

/// Why a linear program could not be solved. Infeasibility and unboundedness are *not* failures
/// (see `LPOutcome`); these are invalid models and solver breakdowns.
public enum LPFailure: ClassifiedError, Sendable, Equatable {
  /// The model was rejected by validation before any GLPK call (non-finite coefficient,
  /// `lo > hi`, index out of range, duplicate entry, too many rows for a C `int`...). The message
  /// names the variable or row.
  case invalidModel(String)
  /// The basis matrix became singular (GLPK code `GLP_ESING`).
  case singularBasis
  /// The basis matrix is ill-conditioned (GLPK code `GLP_ECOND`).
  case illConditioned
  /// GLPK's solver failed for another reason (GLPK code `GLP_EFAIL`).
  case solverFailure
  /// The iteration limit was reached (GLPK code `GLP_EITLIM`).
  case iterationLimit
  /// The time limit was reached (GLPK code `GLP_ETMLIM`).
  case timeLimit
  /// GLPK returned 0 but the solution status is not optimal, infeasible or unbounded
  /// (`GLP_FEAS`, `GLP_INFEAS`, `GLP_UNDEF`); the raw status is kept for diagnostics.
  case notSolved(status: Int32)
  /// A return code this wrapper does not know.
  case unknownReturnCode(Int32)

  /// Always FairMem's or GLPK's failure, never the user's: FairMem builds every model itself,
  /// so even an invalid model is an internal bug (exit code 3).
  public var failureKind: FailureKind { .internalFailure }

  /// A one-line human-readable explanation naming the GLPK code where there is one.
  public var description: String {
    switch self {
    case .invalidModel(let message): "invalid linear program: \(message)"
    case .singularBasis: "GLPK: basis matrix is singular (GLP_ESING)"
    case .illConditioned: "GLPK: basis matrix is ill-conditioned (GLP_ECOND)"
    case .solverFailure: "GLPK: solver failure (GLP_EFAIL)"
    case .iterationLimit: "GLPK: iteration limit reached (GLP_EITLIM)"
    case .timeLimit: "GLPK: time limit reached (GLP_ETMLIM)"
    case .notSolved(let status): "GLPK: solve ended without a definite status (status \(status))"
    case .unknownReturnCode(let code): "GLPK: unknown return code \(code)"
    }
  }
}
