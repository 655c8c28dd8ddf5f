namespace Microsoft.ML.Attention.Tasks;

/// <summary>One training row of question answering: the answer's text starts at character <paramref name="AnswerStart"/> of the context.</summary>
internal readonly record struct QuestionAnsweringExample(string Question, string Context, string Answer, int AnswerStart);
