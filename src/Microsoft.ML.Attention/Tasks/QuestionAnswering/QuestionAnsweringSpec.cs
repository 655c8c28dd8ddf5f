using Microsoft.ML.Attention.Modeling;
using Microsoft.ML.Attention.Persistence.Export;
using Microsoft.ML.Attention.Tokenization;
using Microsoft.ML.Data;

namespace Microsoft.ML.Attention.Tasks;

/// <summary>
/// <see cref="TransformerTask.QuestionAnswering"/>: a <see cref="SpanExtractor"/> over (question, context) rows packed into windows.
/// </summary>
internal sealed class QuestionAnsweringSpec : TaskSpec<SpanExtractor>
{
    public const string AnswerColumnName = "Answer";
    public const string AnswerStartColumnName = "AnswerStart";
    public const string ScoreColumnName = "Score";
    public const string TopAnswersColumnName = "TopAnswers";
    public const string TopAnswerStartsColumnName = "TopAnswerStarts";
    public const string TopScoresColumnName = "TopScores";

    /// <summary>The ONNX outputs [batch, sequence]: each token's logit of starting and of ending the answer, which the scorer reads on either engine.</summary>
    public const string StartLogitsOutput = "start_logits", EndLogitsOutput = "end_logits";
    public const int MaxTopAnswerCount = 100;

    public QuestionAnsweringSpec(string questionColumnName, string contextColumnName, int documentStride, int maxAnswerLength, int maxQuestionLength,
        int topAnswerCount)
    {
        TopAnswerCount = topAnswerCount;
        QuestionColumnName = questionColumnName;
        ContextColumnName = contextColumnName;
        DocumentStride = documentStride;
        MaxAnswerLength = maxAnswerLength;
        MaxQuestionLength = maxQuestionLength;
    }

    public string QuestionColumnName { get; }
    public string ContextColumnName { get; }
    public int DocumentStride { get; }
    public int MaxAnswerLength { get; }
    public int MaxQuestionLength { get; }
    public int TopAnswerCount { get; }

    /// <summary>The most windows a scored row may need (<see cref="QuestionAnsweringOptions.MaxWindowsPerRow"/>).</summary>
    public int MaxWindowsPerRow { get; init; } = QuestionAnsweringOptions.DefaultMaxWindowsPerRow;

    /// <summary>The output columns: Answer, AnswerStart, Score, and with <see cref="TopAnswerCount"/> above 1 the top-answer vectors.</summary>
    public static IReadOnlyList<(string Name, DataViewType Type)> OutputColumns(int topAnswerCount) => topAnswerCount <= 1
        ? [(AnswerColumnName, TextDataViewType.Instance), (AnswerStartColumnName, NumberDataViewType.Int32), (ScoreColumnName, NumberDataViewType.Single)]
        : [.. OutputColumns(1),
            (TopAnswersColumnName, new VectorDataViewType(TextDataViewType.Instance, topAnswerCount)),
            (TopAnswerStartsColumnName, new VectorDataViewType(NumberDataViewType.Int32, topAnswerCount)),
            (TopScoresColumnName, new VectorDataViewType(NumberDataViewType.Single, topAnswerCount))];

    public override TransformerTask Task => TransformerTask.QuestionAnswering;

    public override IReadOnlyList<string> InputColumnNames => [QuestionColumnName, ContextColumnName];

    /// <summary>The task's network with fresh weights.</summary>
    public override SpanExtractor CreateNetwork(TransformerConfig config) => new(config);

    public override ITaskScorer CreateScorer(TaskModel<SpanExtractor> model, InferenceSettings settings) =>
        new QuestionAnsweringScorer(model, this, settings);

    /// <summary>The packer of rows into windows of <paramref name="maxLength"/> tokens (the model's sequence length).</summary>
    public QuestionAnsweringPacker CreatePacker(TextTokenizer tokenizer, int maxLength) =>
        new(tokenizer, maxLength, MaxQuestionLength, DocumentStride, MaxWindowsPerRow) { ContextColumnName = ContextColumnName };

    /// <summary>
    /// ONNX outputs <c>start_logits</c> and <c>end_logits</c> [batch, sequence] of each window; packing rows into windows and the span
    /// search stay in .NET.
    /// </summary>
    public override void WriteOnnxOutputs(OnnxHeadWriter writer)
    {
        var graph = writer.Graph;
        var backbone = writer.Backbone;
        var logits = backbone.Linear(backbone.Hidden(causal: false, readTokenTypes: true), writer.Weights.Get("qa_outputs.weight"), writer.Weights.Get("qa_outputs.bias")); // [B*T, 2]
        var startEnd = graph.Node("Split", [logits, graph.Int64s(1, 1)], 2, OnnxGraphBuilder.Attribute("axis", 1L)); // [B*T, 1] each
        var shape = graph.Node("Concat", [backbone.Batch, backbone.Length], OnnxGraphBuilder.Attribute("axis", 0L));
        writer.Output(StartLogitsOutput, graph.Node("Reshape", [startEnd[0], shape]), perToken: true);
        writer.Output(EndLogitsOutput, graph.Node("Reshape", [startEnd[1], shape]), perToken: true);
    }

    // *** Binary format ***
    // string: question column name
    // string: context column name
    // int: document stride (tokens)
    // int: max answer length (tokens)
    // int: max question length (tokens)
    // int: top answer count; optional, absent (models saved before it) = 1
    // int: max windows per row; optional, absent (models saved before it) = 64
    public override void Save(BinaryWriter writer)
    {
        writer.Write(QuestionColumnName);
        writer.Write(ContextColumnName);
        writer.Write(DocumentStride);
        writer.Write(MaxAnswerLength);
        writer.Write(MaxQuestionLength);
        writer.Write(TopAnswerCount);
        writer.Write(MaxWindowsPerRow);
    }

    public static QuestionAnsweringSpec Load(BinaryReader reader)
    {
        string question = reader.ReadString();
        string context = reader.ReadString();
        int stride = reader.ReadInt32();
        int maxAnswer = reader.ReadInt32();
        int maxQuestion = reader.ReadInt32();
        if (stride < 1 || maxAnswer < 1 || maxQuestion < 1)
            throw new InvalidDataException($"The saved model has invalid question-answering windows (stride {stride}, max answer {maxAnswer}, max question {maxQuestion}).");
        int top = reader.BaseStream.Position < reader.BaseStream.Length ? reader.ReadInt32() : 1;
        if (top < 1 || top > MaxTopAnswerCount)
            throw new InvalidDataException($"The saved model has an invalid top answer count ({top}; 1 to {MaxTopAnswerCount}).");
        int maxWindows = reader.BaseStream.Position < reader.BaseStream.Length ? reader.ReadInt32() : QuestionAnsweringOptions.DefaultMaxWindowsPerRow;
        if (maxWindows < 1)
            throw new InvalidDataException($"The saved model has an invalid question-answering window limit ({maxWindows}; at least 1).");
        return new QuestionAnsweringSpec(question, context, stride, maxAnswer, maxQuestion, top) { MaxWindowsPerRow = maxWindows };
    }
}
