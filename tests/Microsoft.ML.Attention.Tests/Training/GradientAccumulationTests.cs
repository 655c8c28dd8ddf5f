using Microsoft.ML.Attention.Modeling;
using Microsoft.ML.Attention.Tests.Estimators;
using Microsoft.ML.Attention.Tokenization;
using Microsoft.ML.Attention.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Tests.Training;

/// <summary>GradientAccumulationSteps: N micro-batches of B examples make the optimizer step of one batch of N * B.</summary>
public sealed class GradientAccumulationTests
{
    [Fact]
    public void Four_micro_batches_of_4_give_the_weights_of_batches_of_16()
    {
        var rows = TinyModels.YelpRows(64);
        var tokenizer = TextTokenizer.CreateCharacter(rows.Select(r => r.Text));
        var config = new TransformerConfig
        {
            VocabularySize = tokenizer.VocabularySize, ModelDimension = 32, LayerCount = 1, HeadCount = 2, MaxSequenceLength = 64, Dropout = 0, AttentionDropout = 0,
        };
        // Every row padded to the same length, so that a row's loss does not depend on which batch it is in.
        var encoded = BatchEncoder.EncodeForEncoder(tokenizer, [.. rows.Select(r => r.Text)], config.MaxSequenceLength);
        using var ids = tensor(encoded.InputIds, [encoded.BatchSize, encoded.SequenceLength]);
        using var mask = tensor(encoded.AttentionMask, [encoded.BatchSize, encoded.SequenceLength]);
        using var labels = tensor(rows.Select(r => r.Label ? 1L : 0L).ToArray());

        using var whole = Train(config, ids, mask, labels, batchSize: 16, accumulation: 1, out int wholeSteps);
        using var accumulated = Train(config, ids, mask, labels, batchSize: 4, accumulation: 4, out int accumulatedSteps);

        Assert.Equal(3, wholeSteps);
        Assert.Equal(wholeSteps, accumulatedSteps);
        var expected = whole.state_dict();
        double worst = 0, moved = 0;
        using var initial = Initial(config);
        var start = initial.state_dict();
        foreach (var (name, value) in accumulated.state_dict())
        {
            worst = Math.Max(worst, (value - expected[name]).abs().max().item<float>());
            moved = Math.Max(moved, (expected[name] - start[name]).abs().max().item<float>());
        }
        Assert.True(moved > 1e-3, $"training moved the weights by at most {moved:E2}");
        Assert.True(worst <= 1e-5, $"max |weights(4 x 4) - weights(16)| = {worst:E2}");
    }

    [Fact]
    public void Total_steps_count_optimizer_steps()
    {
        var settings = new TrainingSettings
        {
            Epochs = 2, MaxSteps = 0, BatchSize = 10, LearningRate = 1e-3, WarmupFraction = 0, MinimumLearningRateFraction = 0.1, WeightDecay = 0,
            AdamBeta1 = 0.9, AdamBeta2 = 0.999, GradientClipNorm = 1, LogEverySteps = 0, Seed = 1, GradientAccumulationSteps = 4,
        };
        Assert.Equal(2 * 3, settings.TotalSteps(100));   // 10 micro-batches per epoch: steps of 4, 4 and 2
        Assert.Equal(2 * 10, (settings with { GradientAccumulationSteps = 1 }).TotalSteps(100));
    }

    private static SequenceClassifier Initial(TransformerConfig config)
    {
        random.manual_seed(3);
        return new SequenceClassifier(config, classCount: 2);
    }

    private static SequenceClassifier Train(TransformerConfig config, Tensor ids, Tensor mask, Tensor labels, int batchSize, int accumulation, out int steps)
    {
        var model = Initial(config);
        var settings = new TrainingSettings
        {
            Epochs = 1, MaxSteps = 3, BatchSize = batchSize, LearningRate = 1e-3, WarmupFraction = 0, MinimumLearningRateFraction = 0.1,
            WeightDecay = 0.01, AdamBeta1 = 0.9, AdamBeta2 = 0.999, GradientClipNorm = 1.0, LogEverySteps = 0, Seed = 1,
            GradientAccumulationSteps = accumulation,
        };
        var result = TrainingLoop.Run(model, (int)labels.shape[0], settings, batch =>
        {
            using var index = tensor(batch.Select(i => (long)i).ToArray());
            return nn.functional.cross_entropy(model.forward(ids.index_select(0, index), mask.index_select(0, index)), labels.index_select(0, index));
        }, validate: null, earlyStoppingPatience: 0, log: _ => { });
        steps = result.Steps;
        return model;
    }
}
