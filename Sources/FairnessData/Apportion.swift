/// Splits `total` into integers proportional to `weights` (largest-remainder / Hamilton method):
/// the result sums to `total` and each entry is the floor or ceiling of `total * weight / sum`.
/// Ties in remainders go to the lower index, so the result is deterministic.
func apportion(_ total: Int, weights: [Double]) -> [Int] {
  let sum = weights.reduce(0, +)
  guard total > 0, sum > 0 else { return [Int](repeating: 0, count: weights.count) }
  let quotas = weights.map { Double(total) * $0 / sum }
  var counts = quotas.map { Int($0.rounded(.down)) }
  var remaining = total - counts.reduce(0, +)
  let order = quotas.indices.sorted { lhs, rhs in
    let rl = quotas[lhs] - Double(counts[lhs])
    let rr = quotas[rhs] - Double(counts[rhs])
    return rl != rr ? rl > rr : lhs < rhs
  }
  var k = 0
  while remaining > 0 {
    counts[order[k % order.count]] += 1
    remaining -= 1
    k += 1
  }
  return counts
}
