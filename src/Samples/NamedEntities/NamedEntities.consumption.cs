using Microsoft.ML;

namespace NamedEntities;

/// <summary>Consumption: predictions from the saved model, the way Model Builder's generated code makes them.</summary>
public static partial class NamedEntitiesModel
{
    /// <summary>The saved model. Default: NamedEntities.zip in the working directory; Program sets it to where training saved.</summary>
    public static string ModelPath { get; set; } = Path.GetFullPath("NamedEntities.zip");

    /// <summary>One prediction engine, created at the first prediction (loading the .zip is the slow part). Not thread-safe: a server pools engines instead.</summary>
    private static readonly Lazy<PredictionEngine<ModelInput, ModelOutput>> PredictEngine = new(CreatePredictEngine, isThreadSafe: true);

    /// <summary>Tags one sentence and finds its names.</summary>
    public static ModelOutput Predict(ModelInput input) => PredictEngine.Value.Predict(input);

    private static PredictionEngine<ModelInput, ModelOutput> CreatePredictEngine()
    {
        var mlContext = new MLContext();
        ITransformer model = mlContext.Model.Load(ModelPath, out _);
        return mlContext.Model.CreatePredictionEngine<ModelInput, ModelOutput>(model);
    }
}
