// The two steps of tests/android/proguard.rs that need the JVM's own tools:
//
//   java8-api <ct.sym> <out.jar>
//       The Java 8 API as a jar ProGuard 6.2.2 can read as -libraryjars: the JDK's lib/ct.sym
//       holds it as .sig class files under folders whose names contain 8; each is copied as a
//       .class, its module folder dropped, its major version lowered to 57 at most.
//   check <jar> <lookups>
//       Finds, by name, every member the native side looks up (one "kind class name descriptor"
//       a line) in a shrunk jar: a `native` entry is a static native method of that class; a
//       `callback` entry is a method every class of the jar implementing that interface has.
//       Prints "found …" per entry, or "MISSING …" and exits 1.
package rs.tcmpp.test.tools;

import java.io.ByteArrayOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

public final class ShrinkTools {
    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "java8-api":
                java8Api(args[1], args[2]);
                break;
            case "check":
                System.exit(check(args[1], args[2]));
                break;
            default:
                throw new IllegalArgumentException("unknown command " + args[0]);
        }
    }

    static void java8Api(String ctSym, String out) throws IOException {
        Set<String> written = new HashSet<>();
        try (ZipFile zip = new ZipFile(ctSym);
             ZipOutputStream jar = new ZipOutputStream(new FileOutputStream(out))) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry entry = entries.nextElement();
                String name = entry.getName();
                int slash = name.indexOf('/');
                if (slash < 0 || !name.substring(0, slash).contains("8") || !name.endsWith(".sig")) continue;
                String path = name.substring(slash + 1);
                int module = path.indexOf('/');
                // java.base/java/lang/Object.sig: the first folder is a module when it has a dot.
                if (module > 0 && path.substring(0, module).contains(".")) path = path.substring(module + 1);
                path = path.substring(0, path.length() - ".sig".length()) + ".class";
                if (!written.add(path)) continue;
                byte[] bytes = read(zip.getInputStream(entry));
                int major = ((bytes[6] & 0xff) << 8) | (bytes[7] & 0xff);
                if (major > 57) {
                    bytes[6] = 0;
                    bytes[7] = 57;
                }
                jar.putNextEntry(new ZipEntry(path));
                jar.write(bytes);
                jar.closeEntry();
            }
        }
        System.out.println("wrote " + written.size() + " classes");
    }

    static int check(String jarPath, String lookupsPath) throws Exception {
        List<String> classNames = new ArrayList<>();
        try (ZipFile zip = new ZipFile(jarPath)) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                String name = entries.nextElement().getName();
                if (name.endsWith(".class")) classNames.add(name.substring(0, name.length() - 6).replace('/', '.'));
            }
        }
        int missing = 0;
        try (URLClassLoader loader = new URLClassLoader(new URL[] {Paths.get(jarPath).toUri().toURL()},
                ShrinkTools.class.getClassLoader())) {
            for (String line : Files.readAllLines(Paths.get(lookupsPath))) {
                if (line.isEmpty()) continue;
                String[] fields = line.split(" ");
                String kind = fields[0], className = fields[1], name = fields[2], descriptor = fields[3];
                String what = kind + " " + className + "." + name + descriptor;
                Class<?> type;
                try {
                    type = Class.forName(className, false, loader);
                } catch (ClassNotFoundException e) {
                    System.out.println("MISSING " + what + ": no class " + className);
                    missing++;
                    continue;
                }
                if (kind.equals("native")) {
                    Method method = declared(type, name, descriptor);
                    if (method == null || !Modifier.isNative(method.getModifiers()) || !Modifier.isStatic(method.getModifiers())) {
                        System.out.println("MISSING " + what);
                        missing++;
                    } else {
                        System.out.println("found " + what);
                    }
                } else {
                    int implementations = 0;
                    for (String candidate : classNames) {
                        Class<?> implementation = Class.forName(candidate, false, loader);
                        if (implementation.isInterface() || Modifier.isAbstract(implementation.getModifiers())
                                || !type.isAssignableFrom(implementation)) continue;
                        implementations++;
                        if (inherited(implementation, name, descriptor) == null) {
                            System.out.println("MISSING " + what + " on " + candidate);
                            missing++;
                        }
                    }
                    if (declared(type, name, descriptor) == null) {
                        System.out.println("MISSING " + what + " on the interface");
                        missing++;
                    }
                    System.out.println("found " + what + " on " + implementations + " implementation(s)");
                }
            }
        }
        return missing == 0 ? 0 : 1;
    }

    static Method declared(Class<?> type, String name, String descriptor) {
        for (Method method : type.getDeclaredMethods()) {
            if (method.getName().equals(name)
                    && MethodType.methodType(method.getReturnType(), method.getParameterTypes()).toMethodDescriptorString().equals(descriptor)) {
                return method;
            }
        }
        return null;
    }

    /** As JNI's GetMethodID finds it: declared by the class or a superclass. */
    static Method inherited(Class<?> type, String name, String descriptor) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            Method method = declared(c, name, descriptor);
            if (method != null) return method;
        }
        return null;
    }

    static byte[] read(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        for (int n; (n = in.read(buffer)) > 0; ) out.write(buffer, 0, n);
        in.close();
        return out.toByteArray();
    }
}
