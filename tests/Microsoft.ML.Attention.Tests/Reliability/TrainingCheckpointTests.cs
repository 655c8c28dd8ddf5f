using Microsoft.ML.Attention.Tests.Estimators;
using Microsoft.ML.Attention.Training;

namespace Microsoft.ML.Attention.Tests.Reliability;

public sealed class TrainingCheckpointTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("mlattention-checkpoint").FullName;
    private readonly List<string> _texts = TinyModels.WikiTextLines("valid", 32);

    // 32 rows in batches of 4: 8 steps an epoch, 16 in all; dropout on, so that resuming must restore the dropout generator too.
    private static TransformerTextOptions Options()
    {
        var options = TinyModels.MaskedLm(epochs: 2);
        options.BatchSize = 4;
        options.LogEverySteps = 1;
        options.Model = options.Model with { Dropout = 0.1, AttentionDropout = 0.1 };
        return options;
    }

    private (Dictionary<string, float[]> Weights, float[][] Embeddings) Fit(TransformerTextOptions options, List<string>? log = null, CancellationTokenSource? cancelAfterStep5 = null)
    {
        var ml = new MLContext(seed: 1);
        ml.Log += (_, e) =>
        {
            log?.Add(e.Message);
            if (e.Message.Contains("step 5/", StringComparison.Ordinal))
                cancelAfterStep5?.Cancel();
        };
        var data = TinyModels.Texts(ml, _texts);
        using var model = ml.Transforms.AttentionEncoder(options).Fit(data);
        var weights = model.Model.Network.named_parameters().ToDictionary(p => p.name, p => p.parameter.data<float>().ToArray());
        return (weights, TinyModels.ReadVectors(model.Transform(data), "Embedding"));
    }

    // Run B: checkpoints every 3 steps, cancelled after step 5, so that its folder holds the checkpoint of step 3.
    private void FitAndCancelAfterStep5(List<string>? log = null)
    {
        var options = Options();
        options.CheckpointDirectory = _folder;
        options.CheckpointEverySteps = 3;
        using var cancel = new CancellationTokenSource();
        options.CancellationToken = cancel.Token;
        Assert.ThrowsAny<OperationCanceledException>(() => Fit(options, log, cancel));
        Assert.True(File.Exists(TrainingCheckpoint.PathIn(_folder)));
    }

    [Fact]
    public void Interrupted_Fit_resumes_from_its_checkpoint_to_bitwise_the_weights_and_predictions_of_an_uninterrupted_run()
    {
        var uninterrupted = Fit(Options());

        FitAndCancelAfterStep5();
        // A kill while the next checkpoint was written leaves a partial temporary file beside the good one: it is not read.
        File.WriteAllBytes(TrainingCheckpoint.PathIn(_folder) + ".tmp", [1, 2, 3]);
        var options = Options();
        options.CheckpointDirectory = _folder;
        options.CheckpointEverySteps = 3;
        var log = new List<string>();
        var resumed = Fit(options, log);

        Assert.Contains(log, m => m.Contains($"Resumed from the checkpoint in {_folder} at step 3/16", StringComparison.Ordinal));
        Assert.DoesNotContain(log, m => m.Contains("step 3/16 epoch", StringComparison.Ordinal));   // steps 1-3 were not trained again
        Assert.Contains(log, m => m.Contains("step 16/16 epoch 2", StringComparison.Ordinal));
        Assert.Equal(uninterrupted.Weights.Keys, resumed.Weights.Keys);
        foreach (var (name, values) in uninterrupted.Weights)
            Assert.True(values.AsSpan().SequenceEqual(resumed.Weights[name]), $"weight {name} differs");
        Assert.Equal(uninterrupted.Embeddings, resumed.Embeddings);

        // The finished run's checkpoint (step 16) stays: Fit with it trains no step and returns the same weights.
        var again = new List<string>();
        var finished = Fit(options, again);
        Assert.Contains(again, m => m.Contains("at step 16/16", StringComparison.Ordinal));
        Assert.DoesNotContain(again, m => m.Contains("/16 epoch", StringComparison.Ordinal));   // no step line
        foreach (var (name, values) in uninterrupted.Weights)
            Assert.True(values.AsSpan().SequenceEqual(finished.Weights[name]), $"weight {name} differs after the finished checkpoint");
    }

    [Fact]
    public void Interrupted_classifier_with_early_stopping_resumes_to_the_same_weights_and_validation_history()
    {
        var rows = TinyModels.YelpRows(96);
        // 64 rows in batches of 8: 8 steps an epoch; validation after each epoch keeps the best weights (patience 1).
        TransformerTextOptions Options(MLContext ml)
        {
            var options = TextClassificationData.Tiny(epochs: 4);
            options.BatchSize = 8;
            options.LogEverySteps = 1;
            options.Model = options.Model with { Dropout = 0.1 };
            options.ValidationSet = ml.Data.LoadFromEnumerable(rows.Skip(64).ToList());
            options.EarlyStoppingPatience = 1;
            options.CheckpointEverySteps = 4;
            return options;
        }
        (Dictionary<string, float[]> Weights, TrainingResult Result) Fit(string? folder, CancellationTokenSource? cancelAfterStep29 = null)
        {
            var ml = new MLContext(seed: 1);
            ml.Log += (_, e) =>
            {
                if (e.Message.Contains("step 29/", StringComparison.Ordinal))
                    cancelAfterStep29?.Cancel();
            };
            var options = Options(ml);
            options.CheckpointDirectory = folder;
            options.CancellationToken = cancelAfterStep29?.Token ?? default;
            using var model = ml.Transforms.AttentionEncoder(options).Fit(ml.Data.LoadFromEnumerable(rows.Take(64).ToList()));
            return (model.Model.Network.named_parameters().ToDictionary(p => p.name, p => p.parameter.data<float>().ToArray()), model.TrainingResult!);
        }

        var uninterrupted = Fit(folder: null);
        using (var cancel = new CancellationTokenSource())
            Assert.ThrowsAny<OperationCanceledException>(() => Fit(_folder, cancel));   // in epoch 4: the checkpoint of step 28 holds 3 validations and the best weights
        var resumed = Fit(_folder);

        // Validation accuracy peaks after epoch 3, before the interruption: the weights kept at the end come from the checkpoint.
        Assert.Equal(4, uninterrupted.Result.EpochValidations.Count);
        Assert.Equal(2, uninterrupted.Result.BestEpoch);
        Assert.Equal(uninterrupted.Result.EpochValidations, resumed.Result.EpochValidations);
        Assert.Equal(uninterrupted.Result.InitialValidation, resumed.Result.InitialValidation);
        Assert.Equal(uninterrupted.Result.BestEpoch, resumed.Result.BestEpoch);
        Assert.Equal(uninterrupted.Result.Steps, resumed.Result.Steps);
        foreach (var (name, values) in uninterrupted.Weights)
            Assert.True(values.AsSpan().SequenceEqual(resumed.Weights[name]), $"weight {name} differs");
    }

    [Fact]
    public void Checkpoint_of_another_configuration_fails_naming_the_folder_and_what_differs()
    {
        FitAndCancelAfterStep5();
        var options = Options();
        options.CheckpointDirectory = _folder;
        options.BatchSize = 8;

        var error = Assert.Throws<InvalidOperationException>(() => Fit(options));
        Assert.Contains(TrainingCheckpoint.PathIn(_folder), error.Message);
        Assert.Contains("BatchSize is 4 there and 8 now", error.Message);
    }

    [Fact]
    public void Checkpoint_of_other_data_fails_naming_the_row_count()
    {
        FitAndCancelAfterStep5();
        _texts.RemoveAt(0);
        var options = Options();
        options.CheckpointDirectory = _folder;

        var error = Assert.Throws<InvalidOperationException>(() => Fit(options));
        Assert.Contains("training examples is 32 there and 31 now", error.Message);
    }

    [Fact]
    public void Damaged_checkpoint_fails_naming_the_file()
    {
        FitAndCancelAfterStep5();
        string path = TrainingCheckpoint.PathIn(_folder);
        byte[] bytes = File.ReadAllBytes(path);
        bytes[bytes.Length / 2] ^= 0x10;   // inside the weights: would parse, and train on from different weights
        File.WriteAllBytes(path, bytes);
        var options = Options();
        options.CheckpointDirectory = _folder;

        var error = Assert.Throws<InvalidDataException>(() => Fit(options));
        Assert.Contains(path, error.Message);
        Assert.Contains("SHA-256", error.Message);
    }

    [Fact]
    public void CheckpointEverySteps_below_one_is_refused_naming_the_option()
    {
        var options = Options();
        options.CheckpointDirectory = _folder;
        options.CheckpointEverySteps = 0;

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new MLContext(seed: 1).Transforms.AttentionEncoder(options));
        Assert.Contains("CheckpointEverySteps", error.Message);
        Assert.Contains("0", error.Message);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
