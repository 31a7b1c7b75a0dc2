public import DenseLinearAlgebra

extension Dataset {
  /// The features as an `n × d` matrix (the same row-major layout as ``features``): the one
  /// conversion every model, influence and memorizer caller uses.
  public var matrix: Matrix { Matrix(rows: rowCount, columns: featureCount, elements: features) }
}
