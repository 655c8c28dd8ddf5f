using Microsoft.ML.Attention.Tests.Estimators;

namespace Microsoft.ML.Attention.Tests.Reliability;

public class CancellationTests
{
    private static (MLContext Ml, IDataView Data, TransformerTextOptions Options, List<string> Log) Setup()
    {
        var ml = new MLContext(seed: 1);
        var texts = TinyModels.WikiTextLines("valid", 64);
        var options = TinyModels.MaskedLm(epochs: 50);
        options.BatchSize = 4;
        options.LogEverySteps = 1;
        var log = new List<string>();
        return (ml, TinyModels.Texts(ml, texts), options, log);
    }

    [Fact]
    public void CancelExecution_stops_Fit_within_one_step()
    {
        var (ml, data, options, log) = Setup();
        ml.Log += (_, e) =>
        {
            if (!e.Message.Contains("step ") || !e.Message.Contains("training loss"))
                return;
            log.Add(e.Message);
            if (e.Message.Contains("step 3/"))
                MlNetInternals.CancelExecution(ml);
        };
        var estimator = ml.Transforms.AttentionEncoder(options);

        Assert.ThrowsAny<OperationCanceledException>(() => estimator.Fit(data));
        Assert.Equal(3, log.Count);   // steps 1-3 ran; step 4 never started (800 were planned)
    }

    [Fact]
    public void Cancelled_token_stops_Fit_within_one_step()
    {
        var (ml, data, options, log) = Setup();
        using var source = new CancellationTokenSource();
        options.CancellationToken = source.Token;
        ml.Log += (_, e) =>
        {
            if (!e.Message.Contains("training loss"))
                return;
            log.Add(e.Message);
            if (e.Message.Contains("step 2/"))
                source.Cancel();
        };

        var error = Assert.ThrowsAny<OperationCanceledException>(() => ml.Transforms.AttentionEncoder(options).Fit(data));
        Assert.Equal(source.Token, error.CancellationToken);
        Assert.Equal(2, log.Count);
    }

    [Fact]
    public void Cancellation_is_noticed_between_validation_batches()
    {
        var (ml, data, options, log) = Setup();
        options.ValidationSet = TinyModels.Texts(ml, TinyModels.WikiTextLines("test", 64));
        using var source = new CancellationTokenSource();
        options.CancellationToken = source.Token;
        ml.Log += (_, e) =>
        {
            log.Add(e.Message);
            if (e.Message.Contains(" parameters, device "))
                source.Cancel();   // the network exists; the initial validation (16 batches) comes next
        };

        Assert.ThrowsAny<OperationCanceledException>(() => ml.Transforms.AttentionEncoder(options).Fit(data));
        Assert.DoesNotContain(log, m => m.Contains("Before training: validation"));
    }

    [Fact]
    public void Already_cancelled_token_fails_Fit_before_any_work()
    {
        var (ml, data, options, log) = Setup();
        options.CancellationToken = new CancellationToken(canceled: true);
        ml.Log += (_, e) => log.Add(e.Message);

        Assert.ThrowsAny<OperationCanceledException>(() => ml.Transforms.AttentionEncoder(options).Fit(data));
        Assert.DoesNotContain(log, m => m.Contains("parameters"));
    }
}
