using Microsoft.ML;

namespace Translation;

/// <summary>Consumption: the translation of one English text from the saved model (Model Builder's Predict).</summary>
public static partial class TranslationModel
{
    /// <summary>The saved model. Default: Translation.zip in the working directory; Program sets it to where training saved.</summary>
    public static string ModelPath { get; set; } = Path.GetFullPath("Translation.zip");

    private static readonly Lazy<PredictionEngine<ModelInput, ModelOutput>> PredictEngine = new(CreatePredictEngine, isThreadSafe: true);

    /// <summary>The beam-searched Spanish of <paramref name="input"/>'s English (its Spanish is not read).</summary>
    public static ModelOutput Predict(ModelInput input) => PredictEngine.Value.Predict(input);

    private static PredictionEngine<ModelInput, ModelOutput> CreatePredictEngine()
    {
        var mlContext = new MLContext();
        ITransformer model = mlContext.Model.Load(ModelPath, out _);
        return mlContext.Model.CreatePredictionEngine<ModelInput, ModelOutput>(model);
    }
}
