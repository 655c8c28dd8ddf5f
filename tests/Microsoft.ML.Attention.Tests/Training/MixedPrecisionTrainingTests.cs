using Microsoft.ML.Attention.Modeling;
using Microsoft.ML.Attention.Tasks;
using Microsoft.ML.Attention.Tests.Causal;
using Microsoft.ML.Attention.Tokenization;
using Microsoft.ML.Attention.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Tests.Training;

/// <summary>bfloat16 mixed-precision training against float32 training from the same seed, on real text (tiny shakespeare).</summary>
public class MixedPrecisionTrainingTests
{
    [Fact]
    public void BFloat16_training_lowers_the_loss_like_float32_and_keeps_float32_weights()
    {
        string text = string.Join("\n", CausalModels.ShakespeareLines(skip: 0, count: 1200));
        var tokenizer = TextTokenizer.CreateCharacter([text]);
        int split = text.Length * 9 / 10;
        int[] train = tokenizer.Encode(text[..split]);
        int[] validation = tokenizer.Encode(text[split..]);

        var (initial, reference) = TrainAndValidate(tokenizer, train, validation, computeType: null);
        var (initialFast, fast) = TrainAndValidate(tokenizer, train, validation, ScalarType.BFloat16);

        Assert.Equal(initial, initialFast);                                           // same seed, same starting weights
        Assert.True(reference < initial - 0.5, $"float32: {initial} -> {reference}");
        Assert.True(fast < initial - 0.5, $"bfloat16: {initial} -> {fast}");
        Assert.True(Math.Abs(fast - reference) <= 0.03 * reference, $"validation loss after training: bfloat16 {fast}, float32 {reference}");
        Assert.NotEqual(reference, fast);                                             // the training steps did run in bfloat16
    }

    private static (double Initial, double Final) TrainAndValidate(TextTokenizer tokenizer, int[] train, int[] validation, ScalarType? computeType)
    {
        var config = new TransformerConfig
        {
            VocabularySize = tokenizer.VocabularySize,
            ModelDimension = 32,
            LayerCount = 2,
            HeadCount = 2,
            MaxSequenceLength = 32,
            Dropout = 0,
            AttentionDropout = 0,
        };
        manual_seed(11);
        using var model = new CausalLanguageModel(config);
        var settings = new TrainingSettings
        {
            Epochs = 1, MaxSteps = 150, BatchSize = 16, LearningRate = 3e-3, WarmupFraction = 0.05, MinimumLearningRateFraction = 0.1,
            WeightDecay = 0.01, AdamBeta1 = 0.9, AdamBeta2 = 0.99, GradientClipNorm = 1.0, LogEverySteps = 0, Seed = 11, ComputeType = computeType,
        };
        var result = CausalLanguageModelingTrainer.Train(model, train, validation, stride: 8, settings, CPU, _ => { });
        Assert.Equal(150, result.Steps);
        Assert.All(model.parameters(), p => Assert.Equal(ScalarType.Float32, p.dtype));
        Assert.Null(MixedPrecision.ComputeType);                                       // the scope ended with the step
        return (result.InitialValidation!.Value.Loss, result.EpochValidations[^1].Loss);
    }
}
