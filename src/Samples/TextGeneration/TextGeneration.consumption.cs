using Microsoft.Extensions.AI;
using Microsoft.ML;
using Microsoft.ML.Attention;

namespace TextGeneration;

/// <summary>Consumption: text from the saved model, all at once (Model Builder's Predict), streamed, or through .NET's IChatClient.</summary>
public static partial class TextGenerationModel
{
    /// <summary>The saved model. Default: TextGeneration.zip in the working directory; Program sets it to where training saved.</summary>
    public static string ModelPath { get; set; } = Path.GetFullPath("TextGeneration.zip");

    private static readonly Lazy<PredictionEngine<ModelInput, ModelOutput>> PredictEngine = new(CreatePredictEngine, isThreadSafe: true);

    /// <summary>The whole continuation of one prompt, with the saved generation settings.</summary>
    public static ModelOutput Predict(ModelInput input) => PredictEngine.Value.Predict(input);

    /// <summary>The saved model as a Microsoft.Extensions.AI chat client (streaming); the client owns the loaded model.</summary>
    public static IChatClient CreateChatClient(string modelPath) =>
        ((TransformerTextTransformer)new MLContext().Model.Load(modelPath, out _)).AsChatClient(ownsTransformer: true);

    private static PredictionEngine<ModelInput, ModelOutput> CreatePredictEngine()
    {
        var mlContext = new MLContext();
        ITransformer model = mlContext.Model.Load(ModelPath, out _);
        return mlContext.Model.CreatePredictionEngine<ModelInput, ModelOutput>(model);
    }
}
