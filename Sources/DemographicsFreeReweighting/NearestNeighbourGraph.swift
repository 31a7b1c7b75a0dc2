public import DenseLinearAlgebra

/// The directed K-nearest-neighbour graph of a batch of points and its GCN propagation operator.
///
/// ## Graph
/// For each node `i` the `K` other nodes `j` with the smallest Euclidean distance `‖p_i − p_j‖₂`
/// (self excluded; ties go to the smaller index) give the directed edges `i → j`, so every node
/// has out-degree `K` and the graph has `B·K` edges. Squared distances come from one Gram matrix,
/// `‖p_i − p_j‖² = G_ii + G_jj − 2G_ij` with `G = PPᵀ` (`dgemm` through ``DenseLinearAlgebra``),
/// clamped at 0.
///
/// ## Propagation (Kipf & Welling 2017, PyTorch Geometric's `GCNConv` semantics)
/// Self-loops are added and messages flow along the edges `i → j`: node `j` aggregates its own
/// value and those of the nodes that chose it as a neighbour,
///
///     (Â u)_j = u_j / d̂_j + Σ_{i : j ∈ kNN(i)} u_i / √(d̂_i d̂_j),     d̂_j = indegree(j) + 1,
///
/// i.e. `Â = D̂^{-1/2}(Aᵀ + I)D̂^{-1/2}` for the adjacency `A_ij = [j ∈ kNN(i)]`.
public struct NearestNeighbourGraph: Sendable, Equatable {
  /// The number of nodes `B`.
  public let nodeCount: Int
  /// `K`, the out-degree of every node.
  public let neighbourCount: Int
  /// `neighbours[i·K + k]` is the `k`-th nearest node of `i` (nearest first).
  public let neighbours: [Int]
  /// `d̂_j`: the in-degree of node `j` plus one (its self-loop).
  public let degrees: [Double]

  /// Builds the graph of the rows of `points`.
  ///
  /// - Precondition: `1 <= neighbourCount < points.rows`.
  public init(points: Matrix, neighbourCount k: Int) {
    precondition(k >= 1 && k < points.rows, "need 1 <= K < number of points")
    let n = points.rows
    let gram = points.multiplied(byTransposeOf: points).elements
    var chosen = [Int](repeating: 0, count: n * k)
    var best = [Double](repeating: 0, count: k)
    for i in 0..<n {
      var filled = 0
      let gii = gram[i * n + i]
      for j in 0..<n where j != i {
        let d = max(0, gii + gram[j * n + j] - 2 * gram[i * n + j])
        // Insertion into the sorted list of the k best so far; equal distances keep index order.
        if filled == k && d >= best[k - 1] { continue }
        var slot = filled == k ? k - 1 : filled
        while slot > 0 && best[slot - 1] > d {
          best[slot] = best[slot - 1]
          chosen[i * k + slot] = chosen[i * k + slot - 1]
          slot -= 1
        }
        best[slot] = d
        chosen[i * k + slot] = j
        if filled < k { filled += 1 }
      }
    }
    var degrees = [Double](repeating: 1, count: n)
    for j in chosen { degrees[j] += 1 }
    self.nodeCount = n
    self.neighbourCount = k
    self.neighbours = chosen
    self.degrees = degrees
  }

  /// `Â u`: every node's normalized sum over itself and its in-neighbours.
  public func propagate(_ u: [Double]) -> [Double] { apply(u, transposed: false) }

  /// `Âᵀ v`: the adjoint of ``propagate(_:)`` (used by the adversary's backward pass).
  public func propagateTransposed(_ v: [Double]) -> [Double] { apply(v, transposed: true) }

  /// `Â u` or `Âᵀ u`: the self-loop term, then one pass over the edges `i → j` (weight
  /// `1/√(d̂_i d̂_j)`), added at `j` from `i` (`Â`) or at `i` from `j` (`Âᵀ`).
  private func apply(_ u: [Double], transposed: Bool) -> [Double] {
    precondition(u.count == nodeCount, "one value per node")
    var out = (0..<nodeCount).map { u[$0] / degrees[$0] }
    for i in 0..<nodeCount {
      for j in neighbours[(i * neighbourCount)..<((i + 1) * neighbourCount)] {
        let weight = 1 / (degrees[i] * degrees[j]).squareRoot()
        if transposed { out[i] += weight * u[j] } else { out[j] += weight * u[i] }
      }
    }
    return out
  }

  /// `Â` as a dense `B x B` matrix (for tests and pictures).
  public func normalizedAdjacency() -> Matrix {
    var a = Matrix(rows: nodeCount, columns: nodeCount)
    for j in 0..<nodeCount { a[j, j] = 1 / degrees[j] }
    for i in 0..<nodeCount {
      for j in neighbours[(i * neighbourCount)..<((i + 1) * neighbourCount)] {
        a[j, i] += 1 / (degrees[i] * degrees[j]).squareRoot()
      }
    }
    return a
  }
}
