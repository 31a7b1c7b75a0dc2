/// Which parameters a derivative is taken with respect to.
///
/// Influence functions are usually computed for a block of parameters (the last layer of a
/// network) while the rest is held fixed. For a block `B`, gradients are `∇_B J`, Hessian-vector
/// products are `H_BB v_B` (the block's principal sub-matrix of the full Hessian times `v_B`), and
/// per-sample gradients are `∇_B ℓ_i`.
public enum ParameterBlock: Sendable, Hashable {
  /// Every parameter, in the model's flat order.
  case all
  /// The parameters of the output layer (weights and biases). For a linear model this is the same
  /// as ``all``. In the flat parameter vector the last layer is always the trailing slice.
  case lastLayer
}
