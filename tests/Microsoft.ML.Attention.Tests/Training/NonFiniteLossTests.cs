using Microsoft.ML.Attention.Modeling;
using Microsoft.ML.Attention.Tests.Estimators;
using Microsoft.ML.Attention.Tokenization;
using Microsoft.ML.Attention.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Tests.Training;

/// <summary>
/// A non-finite loss stops <see cref="TrainingLoop"/> naming the step; the weights stay those after the last good step, and a
/// checkpoint folder keeps the last checkpoint written before it, from which a run with a lower learning rate resumes.
/// </summary>
public sealed class NonFiniteLossTests : IDisposable
{
    private const int BadStep = 5;
    private readonly string _folder = Directory.CreateTempSubdirectory("mlattention-divergence").FullName;
    private readonly Tensor _ids;
    private readonly Tensor _mask;
    private readonly Tensor _labels;
    private readonly TransformerConfig _config;

    public NonFiniteLossTests()
    {
        var rows = TinyModels.YelpRows(64);
        var tokenizer = TextTokenizer.CreateCharacter(rows.Select(r => r.Text));
        _config = new TransformerConfig
        {
            VocabularySize = tokenizer.VocabularySize, ModelDimension = 16, LayerCount = 1, HeadCount = 2, MaxSequenceLength = 32, Dropout = 0, AttentionDropout = 0,
        };
        var encoded = BatchEncoder.EncodeForEncoder(tokenizer, [.. rows.Select(r => r.Text)], _config.MaxSequenceLength);
        _ids = tensor(encoded.InputIds, [encoded.BatchSize, encoded.SequenceLength]);
        _mask = tensor(encoded.AttentionMask, [encoded.BatchSize, encoded.SequenceLength]);
        _labels = tensor(rows.Select(r => r.Label ? 1L : 0L).ToArray());
    }

    // 64 rows in batches of 4: 16 steps.
    private static TrainingSettings Settings(double learningRate, string? checkpointDirectory = null, Action<TrainingProgress>? progress = null) => new()
    {
        Epochs = 1, MaxSteps = 0, BatchSize = 4, LearningRate = learningRate, WarmupFraction = 0, MinimumLearningRateFraction = 1, WeightDecay = 0.01,
        AdamBeta1 = 0.9, AdamBeta2 = 0.999, GradientClipNorm = 1.0, LogEverySteps = 0, Seed = 1,
        CheckpointDirectory = checkpointDirectory, CheckpointEverySteps = 3, Progress = progress,
    };

    private SequenceClassifier Model()
    {
        random.manual_seed(3);
        return new SequenceClassifier(_config, classCount: 2);
    }

    // The loss of a batch, made NaN at optimizer step `nanAt` (one call per step: no gradient accumulation), as a diverging run's is.
    private Func<int[], Tensor> Loss(SequenceClassifier model, int nanAt)
    {
        int calls = 0;
        return batch =>
        {
            using var index = tensor(batch.Select(i => (long)i).ToArray());
            var loss = nn.functional.cross_entropy(model.forward(_ids.index_select(0, index), _mask.index_select(0, index)), _labels.index_select(0, index));
            return ++calls == nanAt ? loss * double.NaN : loss;
        };
    }

    private static Dictionary<string, float[]> Weights(nn.Module model) =>
        model.named_parameters().ToDictionary(p => p.name, p => p.parameter.data<float>().ToArray());

    private static void AssertSameWeights(Dictionary<string, float[]> expected, Dictionary<string, float[]> actual)
    {
        Assert.Equal(expected.Keys, actual.Keys);
        foreach (var (name, values) in expected)
            Assert.True(values.AsSpan().SequenceEqual(actual[name]), $"weight {name} differs");
    }

    [Fact]
    public void Non_finite_loss_names_the_step_and_leaves_the_weights_of_the_last_good_step()
    {
        using var model = Model();
        Dictionary<string, float[]>? lastGood = null;
        var settings = Settings(1e-3, progress: p => lastGood = Weights(model));

        var error = Assert.Throws<InvalidOperationException>(() =>
            TrainingLoop.Run(model, (int)_labels.shape[0], settings, Loss(model, BadStep), validate: null, earlyStoppingPatience: 0, log: _ => { }));

        Assert.Contains($"diverged at step {BadStep}: the loss is NaN", error.Message);
        Assert.Contains("LearningRate", error.Message);
        Assert.NotNull(lastGood);   // the weights after step 4, copied when the loop reported it
        AssertSameWeights(lastGood, Weights(model));
    }

    [Fact]
    public void Divergence_keeps_the_last_checkpoint_and_a_lower_learning_rate_resumes_from_it()
    {
        Dictionary<string, float[]>? atStep3 = null;
        using (var model = Model())
        {
            var settings = Settings(1e-3, _folder, p =>
            {
                if (p.Step == 3)
                    atStep3 = Weights(model);
            });
            var error = Assert.Throws<InvalidOperationException>(() =>
                TrainingLoop.Run(model, (int)_labels.shape[0], settings, Loss(model, BadStep), validate: null, earlyStoppingPatience: 0, log: _ => { }));
            // Step 4 wrote no checkpoint (every 3 steps) and the bad step 5 wrote none: the folder holds step 3's.
            Assert.Contains($"resumes from the checkpoint of step 3 in '{_folder}'", error.Message);
        }

        using var resumed = Model();
        Dictionary<string, float[]>? atResume = null;
        var learningRates = new List<double>();
        var lower = Settings(1e-4, _folder, p => learningRates.Add(p.LearningRate));
        var result = TrainingLoop.Run(resumed, (int)_labels.shape[0], lower, Loss(resumed, nanAt: -1), validate: null, earlyStoppingPatience: 0, log: line =>
        {
            if (line.StartsWith("Resumed from the checkpoint", StringComparison.Ordinal))
                atResume = Weights(resumed);
        });

        Assert.NotNull(atStep3);
        Assert.NotNull(atResume);
        AssertSameWeights(atStep3, atResume);
        Assert.Equal(16, result.Steps);
        Assert.Equal(16 - 3, learningRates.Count);
        Assert.All(learningRates, rate => Assert.Equal(1e-4, rate));
        Assert.True(double.IsFinite(result.LastTrainingLoss));
    }

    public void Dispose()
    {
        _ids.Dispose();
        _mask.Dispose();
        _labels.Dispose();
        Directory.Delete(_folder, recursive: true);
    }
}
