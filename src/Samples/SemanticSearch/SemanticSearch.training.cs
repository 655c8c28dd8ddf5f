using Microsoft.ML;
using Microsoft.ML.Attention;
using Microsoft.ML.Attention.Samples;

namespace SemanticSearch;

/// <summary>
/// "Training": a pretrained encoder needs none. The pipeline is all-MiniLM-L6-v2 imported from its ONNX file, saved as an ML.NET .zip
/// (weights and vocabulary inside) like any trained model.
/// </summary>
public static partial class SemanticSearchModel
{
    /// <summary>The corpus: the UCI review sentences of yelp, amazon and imdb (3,000), or the first 100 yelp ones in quick mode.</summary>
    public static List<string> LoadCorpus(bool quick)
    {
        var files = quick ? new[] { "yelp" } : ["yelp", "amazon_cells", "imdb"];
        var sentences = files.SelectMany(name => File.ReadLines(SampleData.PathOf("classification", "uci-sentiment", name + "_labelled.txt")))
            .Select(line => line.Split('\t')[0].Trim())
            .Where(text => text.Length > 0)
            .Distinct();
        return quick ? sentences.Take(100).ToList() : sentences.ToList();
    }

    /// <summary>The pretrained sentence encoder as a ready ML.NET transformer: "Text" in, "Embedding" out.</summary>
    public static TransformerTextTransformer BuildPipeline(MLContext mlContext) =>
        mlContext.Transforms.ImportEncoder(MiniLmFiles.ModelPath, MiniLmFiles.VocabularyPath, outputColumnName: "Embedding", inputColumnName: "Text");

    /// <summary>Saves the encoder to <paramref name="path"/>.</summary>
    public static void SaveModel(MLContext mlContext, ITransformer model, string path) =>
        mlContext.Model.Save(model, mlContext.Data.LoadFromEnumerable(Array.Empty<ModelInput>()).Schema, path);
}
