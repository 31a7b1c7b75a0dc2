/// The indices of the best and second best of `count >= 2` items by `better(i, j)` ("item i is
/// strictly better than item j"), in one pass; ties go to the smaller index. Used where a pair of
/// distinct groups must be extreme (`ParitySeparation.widestPair`,
/// `RobustPrograms.violatedPair`).
func twoBest(count: Int, by better: (Int, Int) -> Bool) -> (first: Int, second: Int) {
  precondition(count >= 2, "two or more items")
  var first = better(1, 0) ? 1 : 0
  var second = 1 - first
  for i in 2..<count {
    if better(i, first) {
      second = first
      first = i
    } else if better(i, second) {
      second = i
    }
  }
  return (first, second)
}
