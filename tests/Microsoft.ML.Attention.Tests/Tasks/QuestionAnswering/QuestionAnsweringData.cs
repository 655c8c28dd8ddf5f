using Microsoft.ML.Attention.Tests.Estimators;
using Microsoft.ML.Attention.Tokenization;

namespace Microsoft.ML.Attention.Tests.QuestionAnswering;

/// <summary>Tiny question-answering options and real SQuAD v1.1 dev rows for the QuestionAnswering tests.</summary>
internal static class QuestionAnsweringData
{
    /// <summary>A training row with the question in "Text" (the contract tests' input column) and the context in "Context".</summary>
    public sealed class QaRow
    {
        public string Text { get; set; } = "";
        public string Context { get; set; } = "";
        public string Answer { get; set; } = "";
        public int AnswerStart { get; set; }
    }

    /// <summary>What Transform writes, with the context it answered from.</summary>
    public sealed class Prediction
    {
        public string Context { get; set; } = "";
        public string Answer { get; set; } = "";
        public int AnswerStart { get; set; }
        public float Score { get; set; }
    }

    public sealed class FloatStartRow
    {
        public string Text { get; set; } = "";
        public string Context { get; set; } = "";
        public string Answer { get; set; } = "";
        public float AnswerStart { get; set; }
    }

    private static readonly Lazy<IReadOnlyList<SquadExample>> Dev = new(() => SquadReader.ReadExamples(TestData.Path("qa", "squad-v1.1", "dev-v1.1.json")));

    /// <summary>The SQuAD v1.1 dev questions, in file order.</summary>
    public static IReadOnlyList<SquadExample> DevExamples => Dev.Value;

    /// <summary>Character tokenizer, one small layer, windows of 64 characters (question at most 16), reading the question from "Text".</summary>
    public static TransformerTextOptions Tiny(int maxSteps)
    {
        var options = TinyModels.MaskedLm();
        options.Task = TransformerTask.QuestionAnswering;
        options.MaxSteps = maxSteps;
        options.QuestionAnswering = new QuestionAnsweringOptions { QuestionColumnName = "Text", MaxQuestionLength = 16, DocumentStride = 24 };
        return options;
    }

    /// <summary>WordPiece (bert-base-uncased vocabulary) with a small random network and windows of 48 tokens.</summary>
    public static TransformerTextOptions TinyWordPiece(int epochs)
    {
        var options = Tiny(maxSteps: 0);
        options.Tokenizer = TokenizerKind.WordPiece;
        options.VocabularyPath = Tokenization.WordPieceTokenizerTests.VocabularyPath;
        options.Model = options.Model with { ModelDimension = 64, HeadCount = 4, MaxSequenceLength = 48 };
        options.Epochs = epochs;
        options.BatchSize = 16;
        options.LearningRate = 5e-3;
        options.WarmupFraction = 0.02;
        return options;
    }

    public static List<QaRow> Rows(IEnumerable<SquadExample> examples) => examples
        .Select(e => new QaRow { Text = e.Question, Context = e.Context, Answer = e.Answers[0].Text, AnswerStart = e.Answers[0].Start })
        .ToList();
}
