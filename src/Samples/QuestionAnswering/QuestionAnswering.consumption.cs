using Microsoft.ML;

namespace QuestionAnswering;

/// <summary>Consumption: answers from the saved model, the way Model Builder's generated code makes predictions.</summary>
public static partial class QuestionAnsweringModel
{
    /// <summary>The saved model. Default: QuestionAnswering.zip in the working directory; Program sets it to where training saved.</summary>
    public static string ModelPath { get; set; } = Path.GetFullPath("QuestionAnswering.zip");

    private static readonly Lazy<PredictionEngine<ModelInput, ModelOutput>> PredictEngine = new(CreatePredictEngine, isThreadSafe: true);

    /// <summary>Answers one question about one paragraph.</summary>
    public static ModelOutput Predict(ModelInput input) => PredictEngine.Value.Predict(input);

    private static PredictionEngine<ModelInput, ModelOutput> CreatePredictEngine()
    {
        var mlContext = new MLContext();
        ITransformer model = mlContext.Model.Load(ModelPath, out _);
        return mlContext.Model.CreatePredictionEngine<ModelInput, ModelOutput>(model);
    }
}
