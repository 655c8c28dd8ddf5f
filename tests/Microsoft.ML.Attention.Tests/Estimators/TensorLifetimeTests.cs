using TorchSharp;

namespace Microsoft.ML.Attention.Tests.Estimators;

public class TensorLifetimeTests
{
    [Fact]
    public void Fit_transform_and_predictions_leave_no_live_tensors_behind()
    {
        var ml = new MLContext(seed: 1);
        var texts = TinyModels.WikiTextLines("valid", 64);
        var data = TinyModels.Texts(ml, texts);
        var options = TinyModels.MaskedLm();
        options.MaxSteps = 40;
        options.BatchSize = 4;
        options.ValidationSet = TinyModels.Texts(ml, texts.Take(8));
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;

        var model = ml.Transforms.AttentionEncoder(options).Fit(data);
        long afterFit = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        for (int pass = 0; pass < 3; pass++)
            TinyModels.ReadVectors(model.Transform(data), "Embedding");
        Assert.Equal(afterFit, DisposeScopeManager.Statistics.ThreadTotalLiveCount);

        var engine = ml.Model.CreatePredictionEngine<TinyModels.TextRow, EmbeddingRow>(model);
        for (int i = 0; i < 300; i++)
            engine.Predict(new TinyModels.TextRow { Text = texts[i % texts.Count] });
        Assert.Equal(afterFit, DisposeScopeManager.Statistics.ThreadTotalLiveCount);

        model.Dispose();
        Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    private sealed class EmbeddingRow
    {
        public float[] Embedding { get; set; } = [];
    }
}
