using Microsoft.ML.Data;
using Microsoft.ML.Attention.Generation;
using Microsoft.ML.Attention.Modeling;
using Microsoft.ML.Attention.Tests.Causal;
using Microsoft.ML.Attention.Tests.Export;
using Microsoft.ML.Attention.Tokenization;
using static TorchSharp.torch;
using Microsoft.ML.Attention.Tests.Estimators;
using Microsoft.ML.Attention.Tests.QuestionAnswering;
using Microsoft.ML.Attention.Tests.TokenClassification;
using Microsoft.ML.Attention.Tests.Tasks.SentenceEmbedding;
using Microsoft.ML.Attention.Tests.Tasks.SentenceSimilarity;
using Microsoft.ML.Attention.Tests.Translation;

namespace Microsoft.ML.Attention.Tests.Contract;

/// <summary>
/// Per registered task: tiny options with a fixed seed and a few real rows (column <c>"Text"</c>, plus what the task needs; a two-text
/// task reads its second text from the column named by the transformer's second input column). A task
/// registered without a sample here fails every contract test with a message that asks for one.
/// </summary>
internal static class ContractSamples
{
    private static readonly Dictionary<TransformerTask, Func<MLContext, (TransformerTextOptions Options, IDataView Data)>> Samples = new()
    {
        [TransformerTask.MaskedLanguageModeling] = ml =>
        {
            var options = TinyModels.MaskedLm();
            options.MaxSteps = 2;
            options.InferenceBatchSize = 3;
            return (options, TinyModels.Texts(ml, TinyModels.WikiTextLines("valid", 8)));
        },
        [TransformerTask.TextClassification] = ml =>
            (TextClassificationData.Tiny(maxSteps: 2), ml.Data.LoadFromEnumerable(TinyModels.YelpRows(8))),
        [TransformerTask.QuestionAnswering] = ml =>
        {
            var options = QuestionAnsweringData.Tiny(maxSteps: 2);
            options.InferenceBatchSize = 3;
            return (options, ml.Data.LoadFromEnumerable(QuestionAnsweringData.Rows(QuestionAnsweringData.DevExamples.Take(8))));
        },
        [TransformerTask.TokenClassification] = ml =>
        {
            var options = TokenClassificationData.Tiny(maxSteps: 2);
            options.InferenceBatchSize = 3;
            var rows = ml.Data.LoadFromEnumerable(TokenClassificationData.Sentences(8));
            return (options, ml.Transforms.Conversion.MapValueToKey("Tags").Fit(rows).Transform(rows));   // key labels: PredictedLabel gets their values
        },
        [TransformerTask.CausalLanguageModeling] = ml =>
        {
            var options = CausalModels.TinyCharacterLm();
            options.MaxSteps = 2;
            options.Generation = new GenerationOptions { Temperature = 0f, MaxNewTokens = 4 };
            return (options, TinyModels.Texts(ml, CausalModels.ShakespeareLines(0, 8)));
        },
        [TransformerTask.SentenceEmbedding] = ml =>
            (SentenceEmbeddingData.TinyTask(maxSteps: 2, batchSize: 4), ml.Data.LoadFromEnumerable(SentenceEmbeddingData.KjvToRv1909(8))),
        [TransformerTask.SentenceSimilarity] = ml =>
            (SentenceSimilarityData.TinyTask(maxSteps: 2, secondTextColumnName: "Second"), ml.Data.LoadFromEnumerable(SentenceSimilarityData.VersePairs(8))),
        [TransformerTask.Translation] = ml => (TranslationData.Tiny(maxSteps: 2), ml.Data.LoadFromEnumerable(TranslationData.Verses(16))),
    };

    /// <summary>
    /// Per task that exports: the largest difference between what the library computes for the sample's rows and what ONNX Runtime
    /// computes from the exported file (a Transform column where the export writes it, else the task network's forward pass). A task
    /// whose spec exports but has no check here fails the contract's export test with a message that asks for one.
    /// </summary>
    private static readonly Dictionary<TransformerTask, Func<TransformerTextTransformer, IDataView, ExportedModel, double>> OnnxChecks = new()
    {
        [TransformerTask.MaskedLanguageModeling] = (model, data, exported) =>
        {
            var expected = TinyModels.ReadVectors(model.Transform(data), model.OutputColumnNames[0]);
            var batch = BatchEncoder.EncodeForEncoder(model.Tokenizer, Column(data, model.InputColumnNames[0]), model.Config.MaxSequenceLength);
            return ExportedModel.MaxDifference([.. expected.SelectMany(v => v)], exported.Run(batch, "sentence_embedding")["sentence_embedding"]);
        },
        [TransformerTask.TextClassification] = (model, data, exported) =>
        {
            var probabilities = model.Transform(data).GetColumn<float>("Probability").ToArray();
            var batch = BatchEncoder.EncodeForEncoder(model.Tokenizer, Column(data, model.InputColumnNames[0]), model.Config.MaxSequenceLength);
            return ExportedModel.MaxDifference(probabilities, exported.Run(batch, "probabilities")["probabilities"]);
        },
        [TransformerTask.QuestionAnswering] = (model, data, exported) =>
        {
            var batch = BatchEncoder.EncodeForEncoder(model.Tokenizer, Column(data, model.InputColumnNames[0]), model.Config.MaxSequenceLength,
                Column(data, model.InputColumnNames[1]));
            var outputs = exported.Run(batch, "start_logits", "end_logits");
            var network = (SpanExtractor)model.Model.Network;
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var (ids, mask) = batch.ToTensors(CPU);
            var (start, end) = network.forward(ids, mask, network.Backbone.Config.TokenTypeCount > 0 ? batch.TokenTypeIdsToTensor(CPU) : null);
            return Math.Max(ExportedModel.MaxDifference(start.data<float>().ToArray(), outputs["start_logits"]),
                ExportedModel.MaxDifference(end.data<float>().ToArray(), outputs["end_logits"]));
        },
        [TransformerTask.TokenClassification] = (model, data, exported) =>
        {
            // The windows as the scorer packs them, with each position's word shape when the model has case features.
            var (batch, shapes) = TokenClassificationData.Windows(model, Column(data, model.InputColumnNames[0]).Select(t => t.Split(' ')));
            var moreInputs = new Dictionary<string, long[]>();
            if (shapes is not null)
                moreInputs[Microsoft.ML.Attention.Tasks.TokenClassificationSpec.WordShapeIdsInputName] = shapes;
            var outputs = exported.Run(batch, moreInputs, "logits");
            var network = (TokenClassifier)model.Model.Network;
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var (ids, mask) = batch.ToTensors(CPU);
            var shapeIds = shapes is null ? null : tensor(shapes, [batch.BatchSize, batch.SequenceLength], int64);
            var logits = network.forward(ids, mask, tokenTypeIds: null, shapeIds: shapeIds);   // [B, T, C]
            return ExportedModel.MaxDifferenceAtRealTokens(batch, logits.contiguous().data<float>().ToArray(), outputs["logits"]);
        },
        [TransformerTask.CausalLanguageModeling] = (model, data, exported) =>
        {
            var batch = BatchEncoder.EncodeForEncoder(model.Tokenizer, Column(data, model.InputColumnNames[0]), model.Config.MaxSequenceLength);
            var outputs = exported.Run(batch, "logits");
            var network = (CausalLanguageModel)model.Model.Network;
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var (ids, mask) = batch.ToTensors(CPU);
            return ExportedModel.MaxDifferenceAtRealTokens(batch, network.forward(ids, mask).contiguous().data<float>().ToArray(), outputs["logits"]);
        },
        [TransformerTask.SentenceEmbedding] = (model, data, exported) =>
        {
            var expected = TinyModels.ReadVectors(model.Transform(data), model.OutputColumnNames[0]);
            var batch = BatchEncoder.EncodeForEncoder(model.Tokenizer, Column(data, model.InputColumnNames[0]), model.Config.MaxSequenceLength);
            return ExportedModel.MaxDifference([.. expected.SelectMany(v => v)], exported.Run(batch, "sentence_embedding")["sentence_embedding"]);
        },
        [TransformerTask.SentenceSimilarity] = (model, data, exported) =>
        {
            var scores = model.Transform(data).GetColumn<float>("Score").ToArray();
            var batch = BatchEncoder.EncodeForEncoder(model.Tokenizer, Column(data, model.InputColumnNames[0]), model.Config.MaxSequenceLength,
                Column(data, model.InputColumnNames[1]));
            return ExportedModel.MaxDifference(scores, exported.Run(batch, "score")["score"]);
        },
    };

    /// <summary>The largest difference between the library and ONNX Runtime on <paramref name="data"/> for <paramref name="model"/>'s task.</summary>
    public static double OnnxDifference(TransformerTextTransformer model, IDataView data, ExportedModel exported) =>
        OnnxChecks.TryGetValue(model.Task, out var check)
            ? check(model, data, exported)
            : throw new InvalidOperationException($"Task {model.Task} exports to ONNX but has no check: add one to {nameof(ContractSamples)}.{nameof(OnnxChecks)}.");

    private static string[] Column(IDataView data, string name) => [.. data.GetColumn<string>(name)];

    /// <summary>Points the options' first input column (the one every sample keeps in "Text") at <paramref name="columnName"/>.</summary>
    public static void SetFirstInputColumn(TransformerTextOptions options, string columnName)
    {
        if (options.Task == TransformerTask.QuestionAnswering)
            options.QuestionAnswering.QuestionColumnName = columnName;
        else if (options.Task == TransformerTask.TokenClassification)
            options.TokenClassification.WordsColumnName = columnName;
        else
            options.TextColumnName = columnName;
    }

    /// <summary>The options and data of <paramref name="task"/>'s sample.</summary>
    public static (TransformerTextOptions Options, IDataView Data) For(MLContext ml, TransformerTask task) =>
        Samples.TryGetValue(task, out var sample)
            ? sample(ml)
            : throw new InvalidOperationException($"Task {task} is registered but has no contract sample: add one to {nameof(ContractSamples)}.");
}
