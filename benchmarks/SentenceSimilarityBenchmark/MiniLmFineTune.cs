namespace Microsoft.ML.Attention.Benchmarks;

/// <summary>The options both fine-tunes of this benchmark share: all-MiniLM-L6-v2 as the initial model (its tokenizer comes with it), one pass, CPU, seed 1.</summary>
internal static class MiniLmFineTune
{
    public static TransformerTextOptions Options(TransformerTask task, int maxTokens, int steps, int batchSize, double learningRate, bool bfloat16) => new()
    {
        Task = task,
        InitialModel = MiniLm.ModelPath,
        MaxSequenceLength = maxTokens,
        Epochs = 1,
        MaxSteps = steps,
        BatchSize = batchSize,
        LearningRate = learningRate,
        TrainingPrecision = bfloat16 ? TrainingPrecision.BFloat16 : TrainingPrecision.Float32,
        LogEverySteps = 10,
        Seed = 1,
        Device = TransformerDevice.Cpu,
    };
}
