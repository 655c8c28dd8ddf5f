// Tests run one at a time: libtorch's intra-op thread pool already uses every core, and concurrent forward passes from
// several test threads oversubscribe the two CI cores (OpenMP barriers then spin for hundreds of milliseconds).
[assembly: CollectionBehavior(DisableTestParallelization = true)]
